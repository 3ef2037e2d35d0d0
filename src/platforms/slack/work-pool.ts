import type { Logger } from "../../logger.js";

/**
 * The work a listener does after its ack, run a few at a time. Acks must go out within 3 s even in a
 * burst; a hundred unbounded pipelines (history, download, decode, enqueue) would fill the event loop
 * ahead of the next request's signature check. Bounded, the burst is acked at once and worked off
 * in order. Failures are logged: the person hears about problems in the thread, from the core.
 */
export class WorkPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly concurrency: number,
  ) {}

  async run(what: string, work: () => Promise<unknown>): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      await work();
    } catch (err) {
      this.logger.error({ err, listener: what }, "slack listener failed");
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
