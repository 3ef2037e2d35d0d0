import type { Logger } from "../logger.js";
import { describeRedisError } from "./connection-watch.js";
import { isRedisUnavailable } from "./errors/redis-unavailable.js";

const EVERY_MS = 10_000;

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
