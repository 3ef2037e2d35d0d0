import type { App, ViewSubmitAction } from "@slack/bolt";
import { MODAL } from "../../slack-blocks.js";
import { SETTINGS_MODAL } from "../../slack-settings-modal.js";
import type { ListenerDeps } from "../listener-deps.js";
import { editAgainSubmission } from "./edit-again-submission.js";
import { editImageSubmission } from "./edit-image-submission.js";
import { editSettingsSubmission } from "./edit-settings-submission.js";

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(MODAL.editImage, editImageSubmission(deps));
  app.view<ViewSubmitAction>(MODAL.editAgain, editAgainSubmission(deps));
  app.view<ViewSubmitAction>(SETTINGS_MODAL, editSettingsSubmission(deps));
}
