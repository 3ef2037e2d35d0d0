import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { EMPTY_PROMPT, failedText, NO_IMAGE_IN_THREAD } from "../../../../core/messages.js";
import { isBlank } from "../../../../core/text-length.js";
import { parseEditText } from "../../parse-edit-text.js";
import { pickFile, type SlackMessageLike } from "../../slack-file.js";
import { slackOrigin } from "../../slack-origin.js";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";

/**
 * `@rf-edit <prompt> [strength]` in a message with an image, or in a thread that has one (the
 * newest image of the thread, so mentioning under a result edits the result).
 */
export function appMention(deps: ListenerDeps) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs) => {
    await deps.work.run("app_mention", async () => {
      if (event.bot_id || !event.user) return;
      const message = event as unknown as SlackMessageLike;
      const teamId = body.team_id ?? event.team ?? "";
      const threadTs = event.thread_ts ?? event.ts;
      const { prompt, strength } = parseEditText(event.text);
      if (isBlank(prompt)) {
        // Told to the person alone: nothing is written into the channel or a thread for it.
        await tellUser(client, deps.logger, {
          channel: event.channel,
          user: event.user,
          text: failedText(EMPTY_PROMPT),
          threadTs: event.thread_ts,
        });
        return;
      }
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
        userName: await deps.actors.name(event.user),
        threadTs,
        messageTs,
      });
      if (!file) {
        await deps.adapter.postStatus(origin, { text: failedText(NO_IMAGE_IN_THREAD), cancellable: false });
        return;
      }
      await deps.service.submit({ origin, image: deps.imageFor(file), prompt, strength });
    });
  };
}
