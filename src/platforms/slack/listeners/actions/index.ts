import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { ListenerDeps } from "../listener-deps.js";
import { cancelButton } from "./cancel-button.js";
import { editAgainButton } from "./edit-again-button.js";
import { rerunButton } from "./rerun-button.js";
import { teamButton } from "./team-button.js";

/** Buttons' action_ids are the core's control ids (`rf:<control>:<jobId>`), so they survive restarts. */
export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(/^rf:(weaker|stronger|new-seed):/, rerunButton(deps));
  app.action<BlockAction<ButtonAction>>(/^rf:cancel:/, cancelButton(deps));
  app.action<BlockAction<ButtonAction>>(/^rf:edit-again:/, editAgainButton(deps));
  app.action<BlockAction<ButtonAction>>(/^rf:(compare|try-strengths|pick-[1-4]):/, teamButton(deps));
}
