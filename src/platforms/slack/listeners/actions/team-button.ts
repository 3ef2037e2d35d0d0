import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { parseTeamControlId } from "../../../../core/team/team-controls.js";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";
import { buttonContext } from "./button-context.js";

/** Compare and Try strengths under a result, Use 1-4 under a grid: the core does the rest. */
export function teamButton(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("team button", async () => {
      const parsed = parseTeamControlId(action.action_id);
      if (!parsed) return;
      const b = buttonContext(body, action);
      const actor = await deps.actors.actor(b.teamId, b.userId);
      const outcome = await deps.team.act(parsed.jobId, parsed.action, actor);
      await tellUser(client, deps.logger, {
        channel: b.channel,
        user: b.userId,
        text: outcome.message,
        threadTs: b.threadTs,
      });
    });
  };
}
