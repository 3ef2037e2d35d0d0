import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { editModal } from "../../slack-blocks.js";
import type { ListenerDeps } from "../listener-deps.js";
import { buttonContext } from "./button-context.js";

/** "Edit again" under a result: a modal for the next prompt; its submission edits the result itself. */
export function editAgainButton(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("edit-again button", async () => {
      const b = buttonContext(body, action);
      if (!b.control) return;
      const record = await deps.service.findRecord(b.control.jobId);
      const strength = record?.job.spec.strength ?? deps.defaults.strength;
      const metadataId = await deps.modalState.save({
        k: "again",
        jobId: b.control.jobId,
        channel: b.channel,
        threadTs: b.threadTs,
      });
      await client.views.open({
        trigger_id: body.trigger_id,
        view: editModal("editAgain", metadataId, strength, deps.maxPromptChars),
      });
    });
  };
}
