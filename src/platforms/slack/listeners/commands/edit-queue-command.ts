import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { slackText } from "../../slack-text.js";
import type { ListenerDeps } from "../listener-deps.js";

/** `/edit-queue`: the queue and the caller's own jobs, shown only to the caller. */
export function editQueueCommand(deps: ListenerDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("/edit-queue", async () => {
      const actor = await deps.actors.actor(command.team_id, command.user_id);
      await respond({ response_type: "ephemeral", text: slackText(await deps.service.queueSummary(actor)) });
    });
  };
}
