import { WORKER_FAILED, WORKER_STALLED } from "../core/messages.js";

/** What the thread is told about a job that failed for good, and how metrics count it. */
export interface FailureNotice {
  /** bad_input: nothing about the job will change on a retry; worker_failed: our side failed. */
  code: "bad_input" | "worker_failed";
  userMessage: string;
}

/**
 * BullMQ's own reasons for failing a job (its Lua scripts and Worker write these); none of them
 * is the person's input, and none is shown as it is.
 */
const BULLMQ_REASONS: { pattern: RegExp; userMessage: string }[] = [
  { pattern: /stalled more than allowable limit/i, userMessage: WORKER_STALLED },
  { pattern: /started more than allowable limit/i, userMessage: WORKER_STALLED },
  { pattern: /^Missing lock for job|^Lock mismatch for job/i, userMessage: WORKER_STALLED },
];

/** Our own malformed-payload refusals (a bot and worker of different versions): not the person's fault. */
const MALFORMED = /^malformed /;

/**
 * Turns how a job failed into words. Only the worker's UnrecoverableErrors that it wrote for people
 * (an expired image, a prompt too long) are shown as they are; everything else is our side.
 */
export function failureNotice(failure: { name?: string; message?: string } | undefined): FailureNotice {
  const message = failure?.message ?? "";
  for (const known of BULLMQ_REASONS) {
    if (known.pattern.test(message)) return { code: "worker_failed", userMessage: known.userMessage };
  }
  const unrecoverable = failure?.name === "UnrecoverableError";
  if (unrecoverable && message && !MALFORMED.test(message))
    return { code: "bad_input", userMessage: message };
  return { code: "worker_failed", userMessage: WORKER_FAILED };
}
