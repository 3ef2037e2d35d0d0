import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { failedText, NO_IMAGE_IN_MESSAGE } from "../../../../core/messages.js";
import { editModal } from "../../slack-blocks.js";
import { pickFile, type SlackMessageLike } from "../../slack-file.js";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";

/** Message shortcut "Edit image": a modal for prompt and strength about this message's image. */
export function editImageShortcut(deps: ListenerDeps) {
  return async ({
    ack,
    shortcut,
    client,
  }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("edit image shortcut", async () => {
      const message = shortcut.message as unknown as SlackMessageLike;
      const file = pickFile(message);
      const ts = shortcut.message_ts;
      if (!file?.url_private) {
        await tellUser(client, deps.logger, {
          channel: shortcut.channel.id,
          user: shortcut.user.id,
          text: failedText(NO_IMAGE_IN_MESSAGE),
          threadTs: message.thread_ts,
        });
        return;
      }
      // Only a short id travels in private_metadata; the file's URL and name wait in Redis.
      const metadataId = await deps.modalState.save({
        k: "image",
        channel: shortcut.channel.id,
        ts,
        threadTs: message.thread_ts ?? ts,
        file: { url_private: file.url_private, mimetype: file.mimetype, size: file.size, name: file.name },
      });
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: editModal("editImage", metadataId, deps.defaults.strength, deps.maxPromptChars),
      });
    });
  };
}
