import { fileURLToPath } from "node:url";

/** The Slack surface rf-edit listens on; `slack-manifest.yml` declares exactly these (a test keeps them in step). */
export const SLACK_COMMAND = {
  edit: "/edit",
  editQueue: "/edit-queue",
  editCancel: "/edit-cancel",
  editSettings: "/edit-settings",
  editHistory: "/edit-history",
} as const;

/** The message shortcut "Edit image": its callback_id. */
export const SLACK_SHORTCUT = { editImage: "edit_image" } as const;
export const SLACK_SHORTCUT_NAME = "Edit image";

/** Bot events the app subscribes to. */
export const SLACK_EVENTS = ["app_mention", "reaction_added"] as const;

/** Bot scopes the app needs; the manifest requests these and no others. */
export const SLACK_BOT_SCOPES = [
  "app_mentions:read",
  "commands",
  "chat:write",
  "files:read",
  "files:write",
  "reactions:read",
  "reactions:write",
  "channels:history",
  "groups:history",
  "im:history",
  "mpim:history",
  "users:read",
  // conversations.info: a channel's creator may change its edit settings (/edit-settings).
  "channels:read",
  "groups:read",
] as const;

/** Absolute path of the manifest a user pastes into Slack's app page. */
export const SLACK_MANIFEST_PATH = fileURLToPath(new URL("./slack-manifest.yml", import.meta.url));
