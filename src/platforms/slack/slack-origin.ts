import type { Origin } from "../../core/types.js";

/**
 * A Slack request as the core's Origin: workspace = team, thread = the root ts the bot answers
 * under, message = the message holding the image. The status message ts is filled in by the core.
 */
export function slackOrigin(p: {
  teamId: string;
  channelId: string;
  userId: string;
  /** The person's display name (SlackActors.name): named, never mentioned. */
  userName: string;
  threadTs?: string;
  messageTs?: string;
}): Origin {
  return {
    platform: "slack",
    workspaceId: p.teamId,
    channelId: p.channelId,
    threadId: p.threadTs ?? p.messageTs,
    messageId: p.messageTs,
    userId: p.userId,
    userName: p.userName,
  };
}
