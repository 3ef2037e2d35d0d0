import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { decodeEditImage } from "../../modal-metadata.js";
import { slackOrigin } from "../../slack-origin.js";
import type { ListenerDeps } from "../listener-deps.js";
import { modalValues } from "./modal-values.js";

/** The "Edit image" modal was submitted: a new edit of the message's image, answered in its thread. */
export function editImageSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("edit image modal", async () => {
      const meta = decodeEditImage(view.private_metadata);
      if (!meta) {
        deps.logger.warn("edit image modal without valid metadata");
        return;
      }
      const { prompt, strength } = modalValues(view);
      await deps.service.submit({
        origin: slackOrigin({
          teamId: body.team?.id ?? view.team_id,
          channelId: meta.channel,
          userId: body.user.id,
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
