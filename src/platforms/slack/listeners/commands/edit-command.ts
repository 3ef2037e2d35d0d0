import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { failedText, NO_IMAGE_IN_CHANNEL, tookNewestImageText } from "../../../../core/messages.js";
import { parseEditText } from "../../parse-edit-text.js";
import { mention } from "../../slack-actors.js";
import { slackOrigin } from "../../slack-origin.js";
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
      const found = await deps.locator.newestInChannel(command.channel_id);
      if (!found) {
        await respond({ response_type: "ephemeral", text: failedText(NO_IMAGE_IN_CHANNEL) });
        return;
      }
      const { message, file } = found;
      const link = await deps.locator.permalink(command.channel_id, message.ts);
      await respond({
        response_type: "ephemeral",
        text: tookNewestImageText(
          link ?? message.ts,
          file.name,
          message.user ? mention(message.user) : undefined,
        ),
      });
      await deps.service.submit({
        origin: slackOrigin({
          teamId: command.team_id,
          channelId: command.channel_id,
          userId: command.user_id,
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
