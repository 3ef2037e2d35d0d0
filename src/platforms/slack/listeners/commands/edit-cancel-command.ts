import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { NO_OPEN_JOB } from "../../../../core/messages.js";
import { slackText } from "../../slack-text.js";
import type { ListenerDeps } from "../listener-deps.js";

/** `/edit-cancel [job id]`: cancels the named job, or the caller's newest open one. */
export function editCancelCommand(deps: ListenerDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("/edit-cancel", async () => {
      const actor = await deps.actors.actor(command.team_id, command.user_id);
      const named = command.text.trim();
      const jobId = named || (await deps.service.openJobsOf(actor))[0];
      if (!jobId) {
        await respond({ response_type: "ephemeral", text: slackText(NO_OPEN_JOB) });
        return;
      }
      const outcome = await deps.service.cancel(jobId, actor);
      await respond({ response_type: "ephemeral", text: slackText(outcome.message) });
    });
  };
}
