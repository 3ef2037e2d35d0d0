import type { types } from "@slack/bolt";
import {
  resultControlsText as controlsSentence,
  EDIT_MODAL_TEXT,
  formatStrength,
} from "../../core/messages.js";
import type { ResultView, StatusView } from "../../core/platform-adapter.js";
import { controlId } from "../../core/rerun-action.js";
import { SLACK_LIMITS } from "./slack-limits.js";
import { slackText } from "./slack-text.js";

type KnownBlock = types.KnownBlock;
type View = types.View;

/** Block and action ids of the edit modals, shared by the opener and the submission listener. */
export const MODAL = {
  editImage: "rf_edit_image_modal",
  editAgain: "rf_edit_again_modal",
  promptBlock: "prompt",
  promptAction: "prompt_input",
  strengthBlock: "strength",
  strengthAction: "strength_input",
} as const;

/** A core sentence as a mrkdwn section: escaped by Slack's rule, within the section's 3000. */
function section(text: string): KnownBlock {
  return { type: "section", text: { type: "mrkdwn", text: slackText(text, SLACK_LIMITS.sectionText) } };
}

export function statusBlocks(view: StatusView): KnownBlock[] {
  const blocks: KnownBlock[] = [section(view.text)];
  if (view.cancellable && view.jobId) {
    blocks.push({
      type: "actions",
      block_id: "status_controls",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Cancel" },
          action_id: controlId("cancel", view.jobId),
          value: view.jobId,
          style: "danger",
        },
      ],
    });
  }
  return blocks;
}

/** The buttons under a result, in a message of their own right after the picture. */
export function resultBlocks(view: Pick<ResultView, "job" | "controls">): KnownBlock[] {
  return [
    section(resultControlsText(view)),
    {
      type: "actions",
      block_id: "result_controls",
      elements: view.controls.map((c) => ({
        type: "button" as const,
        text: { type: "plain_text" as const, text: c.label },
        action_id: c.id,
        value: c.control,
        ...(c.control === "edit-again" ? { style: "primary" as const } : {}),
      })),
    },
  ];
}

export function resultControlsText(view: Pick<ResultView, "job">): string {
  return controlsSentence(view.job.spec);
}

/**
 * The modal that asks for a prompt and a strength. `metadataId` names the Redis record of what it
 * edits (ModalStateStore); the prompt input carries the prompt limit as max_length, so Slack refuses
 * a longer prompt in the form itself.
 */
export function editModal(
  kind: "editImage" | "editAgain",
  metadataId: string,
  strength: number,
  maxPromptChars: number,
): View {
  return {
    type: "modal",
    callback_id: MODAL[kind],
    private_metadata: metadataId,
    title: {
      type: "plain_text",
      text: kind === "editImage" ? EDIT_MODAL_TEXT.title : EDIT_MODAL_TEXT.againTitle,
    },
    submit: { type: "plain_text", text: EDIT_MODAL_TEXT.submit },
    close: { type: "plain_text", text: EDIT_MODAL_TEXT.close },
    blocks: [
      {
        type: "input",
        block_id: MODAL.promptBlock,
        label: { type: "plain_text", text: EDIT_MODAL_TEXT.promptLabel },
        element: {
          type: "plain_text_input",
          action_id: MODAL.promptAction,
          multiline: true,
          min_length: 1,
          max_length: Math.min(maxPromptChars, SLACK_LIMITS.plainTextInputMax),
          placeholder: { type: "plain_text", text: EDIT_MODAL_TEXT.promptPlaceholder },
        },
      },
      {
        type: "input",
        block_id: MODAL.strengthBlock,
        optional: true,
        label: { type: "plain_text", text: EDIT_MODAL_TEXT.strengthLabel },
        hint: { type: "plain_text", text: EDIT_MODAL_TEXT.strengthHint },
        element: {
          type: "number_input",
          action_id: MODAL.strengthAction,
          is_decimal_allowed: true,
          min_value: "0",
          max_value: "1",
          initial_value: formatStrength(strength),
        },
      },
    ],
  };
}
