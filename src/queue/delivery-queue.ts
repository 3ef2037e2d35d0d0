import { Queue } from "bullmq";
import type { Logger } from "../logger.js";
import { type DeliveryJob, deliveryJobSchema } from "./job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

/**
 * The worker's way back to the bot. The BullMQ job id is the delivery id, so a worker that crashes
 * after adding it and retries adds nothing new: one ended edit, one delivery.
 */
export class DeliveryQueue {
  readonly queue: Queue;

  constructor(connection: RedisLike, keyPrefix: string, logger?: Logger) {
    this.queue = new Queue(DELIVERY_QUEUE, {
      connection,
      prefix: bullPrefix(keyPrefix),
      defaultJobOptions: {
        // A platform outage must not lose a result: keep trying for about an hour.
        attempts: 12,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    // Without a listener a connection error would be printed raw by BullMQ; the outage is logged once
    // by the connection itself, so this stays quiet unless debugging.
    this.queue.on("error", (err) => logger?.debug({ err }, "delivery queue: Redis error"));
  }

  async add(delivery: DeliveryJob): Promise<void> {
    const data = deliveryJobSchema.parse(delivery);
    await this.queue.add("delivery", data, { jobId: data.deliveryId });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
