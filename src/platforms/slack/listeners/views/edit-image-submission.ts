import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { slackOrigin } from "../../slack-origin.js";
import type { ListenerDeps } from "../listener-deps.js";
import { ackModal } from "./modal-ack.js";
import { modalValues } from "./modal-values.js";

/** The "Edit image" modal was submitted: a new edit of the message's image, answered in its thread. */
export function editImageSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const { prompt, strength } = modalValues(view);
    const acked = await ackModal(ack, prompt, deps.modalState.editImage(view.private_metadata));
    if (!acked.ok) return;
    await deps.work.run("edit image modal", async () => {
      const meta = await acked.pending;
      if (!meta) {
        deps.logger.warn("edit image modal: its record expired while Redis was slow");
        return;
      }
      await deps.service.submit({
        origin: slackOrigin({
          teamId: body.team?.id ?? view.team_id,
          channelId: meta.channel,
          userId: body.user.id,
          userName: await deps.actors.name(body.user.id),
          threadTs: meta.threadTs,
          messageTs: meta.ts,
        }),
        image: deps.imageFor(meta.file),
        prompt,
        strength,
      });
    });
  };
}
