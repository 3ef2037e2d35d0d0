import type { App } from "@slack/bolt";
import { SLACK_COMMAND } from "../../../../../commands/slack-commands.js";
import type { ListenerDeps } from "../listener-deps.js";
import { editCancelCommand } from "./edit-cancel-command.js";
import { editCommand } from "./edit-command.js";
import { editQueueCommand } from "./edit-queue-command.js";
import { editHistoryCommand, editSettingsCommand } from "./edit-settings-command.js";

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(SLACK_COMMAND.edit, editCommand(deps));
  app.command(SLACK_COMMAND.editQueue, editQueueCommand(deps));
  app.command(SLACK_COMMAND.editCancel, editCancelCommand(deps));
  app.command(SLACK_COMMAND.editSettings, editSettingsCommand(deps));
  app.command(SLACK_COMMAND.editHistory, editHistoryCommand(deps));
}
