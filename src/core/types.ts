/** Platform-neutral names for where a request came from and who acts on it. */

export type Platform = "discord" | "slack" | "playground";

/**
 * Where a job lives on its platform. `threadId` is where the bot answers; `statusMessageId` is the
 * message it keeps editing. Ids are the platform's own strings (Slack's are `ts` values).
 */
export interface Origin {
  platform: Platform;
  /** Guild (Discord), team (Slack), room (playground); "dm" for direct messages. */
  workspaceId: string;
  channelId: string;
  threadId?: string;
  /** The message that holds the source image or the command, when there is one. */
  messageId?: string;
  statusMessageId?: string;
  userId: string;
  userName?: string;
  /** Platform extras that must survive a restart (e.g. Discord's interaction application id). */
  extra?: Record<string, string>;
}

/** Someone acting on an existing job: re-run, edit again, cancel. */
export interface Actor {
  platform: Platform;
  workspaceId: string;
  userId: string;
  userName?: string;
  isBot?: boolean;
  /** May manage other people's messages (Discord's Manage Messages, Slack admins). */
  canModerate?: boolean;
}

/** A message on a platform, as re-runs find it again: a reaction names only the message. */
export interface MessageRef {
  platform: Platform;
  channelId: string;
  messageId: string;
}
