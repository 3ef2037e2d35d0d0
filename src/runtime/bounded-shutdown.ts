import type { Logger } from "../logger.js";

export interface ShutdownStep {
  /** What is being closed, in words ("the GPU worker"). */
  name: string;
  /** The graceful close; may take as long as it likes, the deadline bounds it. */
  close: (msLeft: number) => Promise<void>;
  /** Drops it at once when the graceful close did not finish (no waiting on Redis). */
  force?: () => void;
}

/**
 * Closes the steps in order within `timeoutMs` in all. A step still closing at the deadline is
 * forced, the rest only forced, and the result names what could not be closed cleanly, so the
 * process exits on time whatever Redis or a platform does.
 */
export async function shutdownWithin(
  timeoutMs: number,
  steps: ShutdownStep[],
  logger: Logger,
): Promise<{ unclosed: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const unclosed: string[] = [];
  let timedOut = false;
  for (const step of steps) {
    const left = deadline - Date.now();
    if (timedOut || left <= 0) {
      timedOut = true;
      unclosed.push(step.name);
      step.force?.();
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      step.close(left).then(
        () => "closed" as const,
        (err: unknown) => {
          logger.warn(
            { step: step.name, reason: err instanceof Error ? err.message : String(err) },
            "close failed",
          );
          return "failed" as const;
        },
      ),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== "closed") {
      if (outcome === "timeout") timedOut = true;
      unclosed.push(step.name);
      step.force?.();
    }
  }
  return { unclosed };
}
