import type { App, ViewSubmitAction } from "@slack/bolt";
import { MODAL } from "../../slack-blocks.js";
import type { ListenerDeps } from "../listener-deps.js";
import { editAgainSubmission } from "./edit-again-submission.js";
import { editImageSubmission } from "./edit-image-submission.js";

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(MODAL.editImage, editImageSubmission(deps));
  app.view<ViewSubmitAction>(MODAL.editAgain, editAgainSubmission(deps));
}
