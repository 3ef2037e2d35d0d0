import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import {
  EMPTY_PROMPT,
  failedText,
  NO_IMAGE_IN_CHANNEL,
  tookNewestImageText,
} from "../../../../core/messages.js";
import { findNewestImage } from "../../../../core/newest-image.js";
import { isBlank } from "../../../../core/text-length.js";
import { parseEditText } from "../../parse-edit-text.js";
import { slackOrigin } from "../../slack-origin.js";
import { slackText } from "../../slack-text.js";
import type { ListenerDeps } from "../listener-deps.js";

/**
 * `/edit <prompt> [strength]`: slash commands carry no files, so it takes the newest image in the
 * channel and says which message that was (only to the caller), then answers in that image's thread.
 */
export function editCommand(deps: ListenerDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("/edit", async () => {
      const { prompt, strength } = parseEditText(command.text);
      if (isBlank(prompt)) {
        // Refused to the caller alone, before any history is read or any thread is written to.
        await respond({ response_type: "ephemeral", text: slackText(failedText(EMPTY_PROMPT)) });
        return;
      }
      // Slash commands are never typed in a thread on Slack, so the rule's thread step does not apply.
      const newest = await findNewestImage({
        inChannel: () => deps.locator.newestInChannel(command.channel_id),
      });
      const found = newest?.image;
      if (!newest || !found) {
        await respond({ response_type: "ephemeral", text: slackText(failedText(NO_IMAGE_IN_CHANNEL)) });
        return;
      }
      const { message, file } = found;
      const link = await deps.locator.permalink(command.channel_id, message.ts);
      const sharedBy = message.user ? await deps.actors.name(message.user) : undefined;
      await respond({
        response_type: "ephemeral",
        // File name and display name are people's words: the whole sentence is escaped. The
        // permalink is a bare URL, which Slack links by itself.
        text: slackText(tookNewestImageText(link ?? message.ts, file.name, sharedBy, newest.where)),
      });
      await deps.service.submit({
        origin: slackOrigin({
          teamId: command.team_id,
          channelId: command.channel_id,
          userId: command.user_id,
          userName: await deps.actors.name(command.user_id),
          threadTs: message.thread_ts ?? message.ts,
          messageTs: message.ts,
        }),
        image: deps.imageFor(file),
        prompt,
        strength,
      });
    });
  };
}
