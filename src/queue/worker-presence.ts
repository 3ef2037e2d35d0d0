import type { Queue } from "bullmq";
import type { Logger } from "../logger.js";

export interface WorkerPresenceReport {
  /** GPU workers connected to the edit queue at the last look; null before the first look. */
  online: number | null;
  /** True once none has been online for the configured wait. */
  noneForAWhile: boolean;
  /** When the last look found none, since when (ms since the epoch). */
  offlineSince?: number;
}

/**
 * Whether any GPU worker is taking edit jobs, from BullMQ's own worker list (`Queue.getWorkers`:
 * the Redis connections BullMQ Workers name after the queue, read with CLIENT LIST). A worker that
 * is killed drops its connection and leaves the list at once. After `noticeAfterMs` without any,
 * queued jobs say so instead of "you are next" forever.
 */
export class WorkerPresence {
  private online: number | null = null;
  private offlineSince?: number;
  private timer?: NodeJS.Timeout;
  private readonly listeners: ((noneForAWhile: boolean) => void)[] = [];
  private lastNoneForAWhile = false;

  constructor(
    private readonly queue: Pick<Queue, "getWorkers">,
    private readonly noticeAfterMs: number,
    private readonly logger: Logger,
    private readonly pollMs = Math.min(5000, Math.max(100, Math.floor(noticeAfterMs / 2))),
  ) {}

  start(): void {
    const tick = () => {
      void this.look().finally(() => {
        this.timer = setTimeout(tick, this.pollMs);
        this.timer.unref();
      });
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Told when "no worker for a while" starts or ends; must not throw. */
  onChange(listener: (noneForAWhile: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Looks now (also what the timer does). */
  async look(now = Date.now()): Promise<void> {
    try {
      const workers = await this.queue.getWorkers();
      this.online = workers.length;
      if (workers.length > 0) this.offlineSince = undefined;
      else this.offlineSince ??= now;
    } catch (err) {
      // Unknown is not "none": a Redis hiccup must not claim every worker is gone.
      this.logger.debug({ err }, "could not list the GPU workers");
    }
    const none = this.noneForAWhile(now);
    if (none !== this.lastNoneForAWhile) {
      this.lastNoneForAWhile = none;
      if (none) this.logger.warn({ forMs: this.noticeAfterMs }, "no GPU worker is online");
      else this.logger.info({ online: this.online }, "a GPU worker is online again");
      for (const listen of this.listeners) listen(none);
    }
  }

  noneForAWhile(now = Date.now()): boolean {
    return this.offlineSince !== undefined && now - this.offlineSince >= this.noticeAfterMs;
  }

  report(now = Date.now()): WorkerPresenceReport {
    return {
      online: this.online,
      noneForAWhile: this.noneForAWhile(now),
      ...(this.offlineSince !== undefined ? { offlineSince: this.offlineSince } : {}),
    };
  }
}
