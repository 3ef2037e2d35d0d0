import type { Logger } from "../logger.js";
import { PlatformStartError } from "./errors/platform-start-error.js";

export interface RetryOptions<T> {
  /** Names the platform in a PlatformStartError; the logger is expected to carry it already. */
  platform: string;
  /** What is being tried, in words: "connect to Discord". */
  what: string;
  attempt: () => Promise<T>;
  /** A one-line reason when the error is one no retry can fix (bad token), else null. */
  fatal: (err: unknown) => string | null;
  logger: Logger;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Stops waiting (shutdown during start-up). */
  signal?: AbortSignal;
}

/**
 * Tries until the platform answers, waiting 1 s, 2 s, 4 s... (at most `maxDelayMs`, with jitter so
 * a fleet of bots does not retry in step) and logging one line per failure with the reason, never a
 * stack trace: Discord or Slack being briefly unreachable at start is normal operations, not a crash.
 * Errors no retry can fix end the wait with a PlatformStartError.
 */
export async function connectWithRetry<T>(o: RetryOptions<T>): Promise<T> {
  const first = o.firstDelayMs ?? 1000;
  const max = o.maxDelayMs ?? 60_000;
  for (let failures = 0; ; failures++) {
    try {
      return await o.attempt();
    } catch (err) {
      const fatal = o.fatal(err);
      if (fatal !== null) throw new PlatformStartError(o.platform, fatal, { cause: err });
      if (o.signal?.aborted) throw err;
      const base = Math.min(max, first * 2 ** Math.min(failures, 20));
      const delayMs = Math.round(base * (0.8 + Math.random() * 0.4));
      o.logger.warn(
        { reason: oneLineReason(err), retryInMs: delayMs, attempt: failures + 1 },
        `could not ${o.what}; retrying`,
      );
      await sleep(delayMs, o.signal);
    }
  }
}

/**
 * The most telling line of an error: the innermost cause that has one (undici's "fetch failed"
 * wraps "connect ECONNREFUSED 127.0.0.1:443" or "getaddrinfo ENOTFOUND discord.com").
 */
export function oneLineReason(err: unknown): string {
  let best = err instanceof Error ? err.message : String(err);
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (current.message && (typeof code === "string" || depth === 0)) best = current.message;
    current = current.cause;
  }
  return (best.split("\n")[0] ?? best).slice(0, 300);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
