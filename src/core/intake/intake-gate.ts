import { IntakeBusyError } from "./errors/intake-busy-error.js";

export interface IntakeGateOptions {
  /** Intakes (download, decode, normalise, store) running at once. */
  concurrency: number;
  /** Intakes allowed to wait for a free slot; one more is refused at once. */
  maxWaiting: number;
}

/**
 * Bounds the bot's memory under a burst of uploads: each running intake holds one body (up to the
 * byte cap) and one libvips pipeline, so the peak is about `concurrency` of those, whatever arrives.
 * Waiters hold nothing yet (their bodies stay unread in the socket), and beyond `maxWaiting` the
 * caller is told at once that the bot is busy instead of queueing without bound.
 */
export class IntakeGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly o: IntakeGateOptions) {
    if (!(Number.isInteger(o.concurrency) && o.concurrency >= 1)) {
      throw new RangeError(`concurrency must be a whole number >= 1, got ${o.concurrency}`);
    }
    if (!(Number.isInteger(o.maxWaiting) && o.maxWaiting >= 0)) {
      throw new RangeError(`maxWaiting must be a whole number >= 0, got ${o.maxWaiting}`);
    }
  }

  /** Runs `work` in a slot; throws IntakeBusyError without running it when the wait queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** For metrics and tests: intakes running and waiting now. */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private acquire(): Promise<void> {
    if (this.running < this.o.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.o.maxWaiting) {
      return Promise.reject(new IntakeBusyError(this.o.concurrency, this.o.maxWaiting));
    }
    // The slot passes straight from the releasing intake to the waiter, so `running` never dips
    // and a newcomer cannot jump the queue in between.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
