import type { AckFn, ViewResponseAction } from "@slack/bolt";
import { EMPTY_PROMPT, MODAL_EXPIRED } from "../../../../core/messages.js";
import { isBlank } from "../../../../core/text-length.js";
import { MODAL } from "../../slack-blocks.js";

/** How long a submission may wait for its modal's record before it is acknowledged anyway. */
const LOOKUP_MS = 1500;

/**
 * Answers a modal submission within Slack's 3 seconds. What the person can fix stays in the open
 * modal, under the prompt field: an empty prompt, or a form whose record expired. The record is
 * looked up first, but never for longer than LOOKUP_MS: a slow Redis gets a plain ack and the
 * lookup goes on afterwards (`pending`).
 */
export async function ackModal<T>(
  ack: AckFn<ViewResponseAction>,
  prompt: string,
  lookup: Promise<T | null>,
): Promise<{ ok: true; pending: Promise<T | null> } | { ok: false }> {
  if (isBlank(prompt)) {
    await ack({ response_action: "errors", errors: { [MODAL.promptBlock]: EMPTY_PROMPT } });
    return { ok: false };
  }
  const timeout = Symbol("timeout");
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    lookup.catch(() => null),
    new Promise<typeof timeout>((resolve) => {
      timer = setTimeout(() => resolve(timeout), LOOKUP_MS);
    }),
  ]);
  clearTimeout(timer);
  if (first === null) {
    await ack({ response_action: "errors", errors: { [MODAL.promptBlock]: MODAL_EXPIRED } });
    return { ok: false };
  }
  await ack();
  return { ok: true, pending: first === timeout ? lookup.catch(() => null) : Promise.resolve(first as T) };
}
