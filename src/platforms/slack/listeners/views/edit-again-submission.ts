import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";
import { ackModal } from "./modal-ack.js";
import { modalValues } from "./modal-values.js";

/** The "Edit again" modal was submitted: the result itself is edited with the new prompt. */
export function editAgainSubmission(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    view,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const { prompt, strength } = modalValues(view);
    const acked = await ackModal(ack, prompt, deps.modalState.editAgain(view.private_metadata));
    if (!acked.ok) return;
    await deps.work.run("edit again modal", async () => {
      const meta = await acked.pending;
      if (!meta) {
        deps.logger.warn("edit again modal: its record expired while Redis was slow");
        return;
      }
      const actor = await deps.actors.actor(body.team?.id ?? view.team_id, body.user.id);
      const outcome = await deps.service.editAgain(meta.jobId, prompt, strength, actor);
      // A job that is gone or unfinished is refused before any status message exists.
      if (!outcome.ok && (outcome.error.code === "not_found" || outcome.error.code === "nothing_to_do")) {
        await tellUser(client, deps.logger, {
          channel: meta.channel,
          user: body.user.id,
          text: outcome.error.userMessage,
          threadTs: meta.threadTs,
        });
      }
    });
  };
}
