import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { failedText, NO_IMAGE_IN_THREAD } from "../../../../core/messages.js";
import { parseEditText } from "../../parse-edit-text.js";
import { pickFile, type SlackMessageLike } from "../../slack-file.js";
import { slackOrigin } from "../../slack-origin.js";
import type { ListenerDeps } from "../listener-deps.js";

/**
 * `@rf-edit <prompt> [strength]` in a message with an image, or in a thread that has one (the
 * newest image of the thread, so mentioning under a result edits the result).
 */
export function appMention(deps: ListenerDeps) {
  return async ({ event, body }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs) => {
    await deps.work.run("app_mention", async () => {
      if (event.bot_id || !event.user) return;
      const message = event as unknown as SlackMessageLike;
      const teamId = body.team_id ?? event.team ?? "";
      const threadTs = event.thread_ts ?? event.ts;
      let file = pickFile(message);
      let messageTs = event.ts;
      if (!file && event.thread_ts) {
        const found = await deps.locator.newestInThread(event.channel, event.thread_ts);
        file = found?.file;
        if (found) messageTs = found.message.ts;
      }
      const origin = slackOrigin({
        teamId,
        channelId: event.channel,
        userId: event.user,
        threadTs,
        messageTs,
      });
      if (!file) {
        await deps.adapter.postStatus(origin, { text: failedText(NO_IMAGE_IN_THREAD), cancellable: false });
        return;
      }
      const { prompt, strength } = parseEditText(event.text);
      await deps.service.submit({ origin, image: deps.imageFor(file), prompt, strength });
    });
  };
}
