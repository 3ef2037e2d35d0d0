import type { App, MessageShortcut } from "@slack/bolt";
import { SLACK_SHORTCUT } from "../../../../../commands/slack-commands.js";
import type { ListenerDeps } from "../listener-deps.js";
import { editImageShortcut } from "./edit-image-shortcut.js";

export function registerShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut<MessageShortcut>(
    { callback_id: SLACK_SHORTCUT.editImage, type: "message_action" },
    editImageShortcut(deps),
  );
}
