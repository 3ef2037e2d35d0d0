import type { ViewOutput } from "@slack/bolt";
import { parseOptionalNumber } from "../../parse-edit-text.js";
import { MODAL } from "../../slack-blocks.js";

/** The prompt and strength a person typed into an edit modal. */
export function modalValues(view: ViewOutput): { prompt: string; strength?: number } {
  const values = view.state.values;
  const prompt = values[MODAL.promptBlock]?.[MODAL.promptAction]?.value ?? "";
  const strength = parseOptionalNumber(values[MODAL.strengthBlock]?.[MODAL.strengthAction]?.value);
  return { prompt, strength };
}
