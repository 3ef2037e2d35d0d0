import type { webApi } from "@slack/bolt";
import type { Actor } from "../../core/types.js";
import type { Logger } from "../../logger.js";

/**
 * Who moderates a channel's edit settings on Slack: workspace admins and owners (users.info
 * `is_admin` / `is_owner`, already in the actor) or the channel's creator (conversations.info
 * `channel.creator`). Slack has no per-channel "manage messages" permission for apps to read.
 */
export async function isChannelModerator(
  client: webApi.WebClient,
  logger: Logger,
  actor: Actor,
  channelId: string,
): Promise<boolean> {
  if (actor.isBot) return false;
  if (actor.canModerate) return true;
  try {
    const info = await client.conversations.info({ channel: channelId });
    return (info.channel as { creator?: string } | undefined)?.creator === actor.userId;
  } catch (err) {
    // Unknown: refuse (the person is told who may change settings) rather than guess.
    logger.warn({ err, channelId }, "conversations.info failed while checking the channel's creator");
    return false;
  }
}
