import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { actionFromControl } from "../../../../core/rerun-action.js";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";
import { buttonContext } from "./button-context.js";

/** Weaker, Stronger, New seed under a result: a re-run of the job the button names. */
export function rerunButton(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("rerun button", async () => {
      const b = buttonContext(body, action);
      const rerun = b.control && actionFromControl(b.control.control);
      if (!b.control || !rerun) return;
      const actor = await deps.actors.actor(b.teamId, b.userId);
      const outcome = await deps.service.rerunJob(b.control.jobId, rerun, actor);
      // The core writes refusals into the thread, except when the job itself is gone.
      if (!outcome.ok && outcome.error.code === "not_found") {
        await tellUser(client, deps.logger, {
          channel: b.channel,
          user: b.userId,
          text: outcome.error.userMessage,
          threadTs: b.threadTs,
        });
      }
    });
  };
}
