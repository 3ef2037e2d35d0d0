import type { CommandInteraction } from "discord.js";
import type { CommandModule } from "./command-module.js";
import * as edit from "./edit.js";
import * as editCancel from "./edit-cancel.js";
import * as editHistory from "./edit-history.js";
import * as editImageMenu from "./edit-image-menu.js";
import * as editQueue from "./edit-queue.js";
import * as editSettings from "./edit-settings.js";

/** Every command this bot answers, by name. */
export const commands = new Map<string, CommandModule<CommandInteraction>>(
  (
    [
      edit,
      editQueue,
      editCancel,
      editImageMenu,
      editSettings,
      editHistory,
    ] as unknown as CommandModule<CommandInteraction>[]
  ).map((m) => [m.data.name, m]),
);
