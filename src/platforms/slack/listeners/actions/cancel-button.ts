import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";
import { buttonContext } from "./button-context.js";

/** Cancel under a running job's status message. */
export function cancelButton(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("cancel button", async () => {
      const b = buttonContext(body, action);
      if (!b.control) return;
      const actor = await deps.actors.actor(b.teamId, b.userId);
      const outcome = await deps.service.cancel(b.control.jobId, actor);
      await tellUser(client, deps.logger, {
        channel: b.channel,
        user: b.userId,
        text: outcome.message,
        threadTs: b.threadTs,
      });
    });
  };
}
