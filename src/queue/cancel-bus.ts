import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

const FLAG_TTL_SECONDS = 24 * 3600;

/**
 * Cancelling a running job crosses machines: the bot sets a flag (for a worker that starts the job a
 * moment later) and publishes the id (for the worker running it now, which aborts at its next step).
 */
export class CancelBus {
  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
  ) {}

  async cancel(jobId: string): Promise<void> {
    await this.redis.set(this.keys.cancelFlag(jobId), "1", "EX", FLAG_TTL_SECONDS);
    await this.redis.publish(this.keys.cancelChannel(), jobId);
  }

  async isCancelled(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.cancelFlag(jobId))) === 1;
  }

  /** Needs a connection of its own: a subscribed Redis connection can do nothing else. */
  async subscribe(subscriber: RedisLike, onCancel: (jobId: string) => void): Promise<() => Promise<void>> {
    const channel = this.keys.cancelChannel();
    const listener = (ch: string, message: string) => {
      if (ch === channel) onCancel(message);
    };
    subscriber.on("message", listener);
    await subscriber.subscribe(channel);
    return async () => {
      subscriber.off("message", listener);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }
}
