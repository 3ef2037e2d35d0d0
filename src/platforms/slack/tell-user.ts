import type { webApi } from "@slack/bolt";
import type { Logger } from "../../logger.js";
import { slackText } from "./slack-text.js";

/**
 * A reply only the acting person sees (a refused cancel, an expired button), from a core sentence
 * escaped by Slack's rule. Best effort.
 */
export async function tellUser(
  client: webApi.WebClient,
  logger: Logger,
  p: { channel: string; user: string; text: string; threadTs?: string },
): Promise<void> {
  try {
    await client.chat.postEphemeral({
      channel: p.channel,
      user: p.user,
      text: slackText(p.text),
      ...(p.threadTs ? { thread_ts: p.threadTs } : {}),
    });
  } catch (err) {
    logger.warn({ err }, "could not send an ephemeral reply");
  }
}
