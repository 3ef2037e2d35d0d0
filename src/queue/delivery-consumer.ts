import { UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "../logger.js";
import { type DeliveryJob, deliveryJobSchema, describeInvalid } from "./job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE, type KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";
import type { ReplicaAck } from "./replica-ack.js";
import { ThrottledErrorLog } from "./throttled-error-log.js";

export type DeliveryHandler = (delivery: DeliveryJob) => Promise<void>;

const DELIVERED_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The bot's consumer of deliveries. Results that finish while the bot is down wait in the queue and
 * are posted when it comes back; the idempotency record (checked before posting, written after)
 * keeps a retried delivery from posting twice.
 */
export class DeliveryConsumer {
  readonly worker: Worker;
  /** Deliveries being posted by this bot now: a second copy of one waits for the first. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    connection: RedisLike,
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    keyPrefix: string,
    private readonly handler: DeliveryHandler,
    private readonly logger: Logger,
    private readonly options: {
      concurrency?: number;
      autorun?: boolean;
      durability?: ReplicaAck;
      /**
       * Deliveries whose whole posting may be redone after a failover (the platform keeps its
       * messages in Redis and posts idempotently: the playground). Others confirm only their mark.
       */
      redoable?: (delivery: DeliveryJob) => boolean;
    } = {},
  ) {
    this.worker = new Worker(DELIVERY_QUEUE, (job) => this.process(job.data, job.id ?? "?"), {
      connection,
      prefix: bullPrefix(keyPrefix),
      concurrency: options.concurrency ?? 8,
      autorun: options.autorun ?? true,
      lockDuration: 60_000,
      // After a lost Redis connection BullMQ retries finishing a job after this pause; its 15 s
      // default would leave a posted result unfinished (its status not updated) for that long.
      runRetryDelay: 2000,
    });
    this.worker.on("failed", (job, err) => {
      // A malformed delivery was already logged with its reason; only real give-ups are errors here.
      if (err.name === "UnrecoverableError") return;
      const attempts = job?.opts.attempts ?? 1;
      if ((job?.attemptsMade ?? attempts) >= attempts)
        this.logger.error(
          { err, deliveryId: job?.id, attempts: job?.attemptsMade },
          "delivery failed for good; the result was not posted",
        );
      else
        this.logger.warn(
          { err, deliveryId: job?.id, attempts: job?.attemptsMade },
          "delivery failed; will retry",
        );
    });
    const errors = new ThrottledErrorLog(this.logger, "delivery consumer");
    this.worker.on("error", (err) => errors.report(err));
  }

  private async process(raw: unknown, bullId: string): Promise<"delivered" | "duplicate"> {
    const parsed = deliveryJobSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.error(
        { deliveryId: bullId, reason: describeInvalid(parsed.error) },
        "rejected a malformed delivery",
      );
      throw new UnrecoverableError(`malformed delivery: ${describeInvalid(parsed.error)}`);
    }
    const delivery = parsed.data;
    // A failover can roll back BullMQ's move of a delivery to "active" (it is not waited for), so
    // the same delivery can be handed out again while the first copy is still being posted.
    const id = delivery.deliveryId;
    while (this.inFlight.has(id)) await this.inFlight.get(id)?.catch(() => undefined);
    const work = this.deliver(delivery);
    this.inFlight.set(id, work);
    try {
      return await work;
    } finally {
      if (this.inFlight.get(id) === work) this.inFlight.delete(id);
    }
  }

  private async deliver(delivery: DeliveryJob): Promise<"delivered" | "duplicate"> {
    const key = this.keys.delivered(delivery.deliveryId);
    if (await this.redis.exists(key)) {
      this.logger.info({ deliveryId: delivery.deliveryId }, "delivery already posted; skipped");
      return "duplicate";
    }
    const mark = async () => {
      await this.redis.set(key, String(Date.now()), "EX", DELIVERED_TTL_SECONDS);
    };
    const durability = this.options.durability;
    // On a replica before the delivery counts as done: the mark must outlive a failover, or a
    // replayed delivery would post the result again. A platform whose messages live in Redis has
    // them confirmed too, by redoing the whole (idempotent) posting on the new master.
    if (durability && this.options.redoable?.(delivery))
      await durability.confirm("the delivery", async () => {
        await this.handler(delivery);
        await mark();
      });
    else {
      await this.handler(delivery);
      if (durability) await durability.confirm("the delivery mark", mark);
      else await mark();
    }
    this.logger.info(
      {
        deliveryId: delivery.deliveryId,
        jobId: delivery.job.jobId,
        platform: delivery.job.origin.platform,
        status: delivery.status,
      },
      "delivered",
    );
    return "delivered";
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}
