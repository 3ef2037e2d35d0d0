import type { Logger } from "../logger.js";
import { describeRedisError } from "./connection-watch.js";
import { isRedisUnavailable } from "./errors/redis-unavailable.js";

const EVERY_MS = 10_000;
const LOST_LOCK = /^(Missing key|Missing lock|Lock mismatch) for job /;

/**
 * BullMQ emits `error` for every failed poll while Redis is away (hundreds a minute). Redis outages
 * are logged in words at most once per 10 s with how many were folded in; any other error is a real
 * one and is logged as it comes.
 */
export class ThrottledErrorLog {
  private loggedAt = 0;
  private folded = 0;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  report(err: Error): void {
    if (LOST_LOCK.test(err.message)) {
      // BullMQ's own check that a job is still ours (finished-errors.ts): after a failover rolled
      // its state back, or a stall, another copy owns it. The job itself is retried or already done.
      this.logger.warn({ reason: err.message }, `${this.what}: a job changed hands (failover or stall)`);
      return;
    }
    if (!isRedisUnavailable(err)) {
      this.logger.error({ err }, `${this.what} error`);
      return;
    }
    if (Date.now() - this.loggedAt < EVERY_MS) {
      this.folded++;
      return;
    }
    this.logger.warn(
      { reason: describeRedisError(err), repeats: this.folded || undefined },
      `${this.what}: Redis is unavailable (${describeRedisError(err)}); retrying`,
    );
    this.loggedAt = Date.now();
    this.folded = 0;
  }
}
