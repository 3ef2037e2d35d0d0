import type { Config } from "../../config/index.js";
import { DeliveryRouter } from "../core/delivery-router.js";
import { EditService } from "../core/edit-service.js";
import type { UserErrorCode } from "../core/errors/user-facing-error.js";
import { ImageIntake } from "../core/image-intake.js";
import { IntakeGate } from "../core/intake/intake-gate.js";
import type { PlatformAdapter } from "../core/platform-adapter.js";
import { RateLimiter } from "../core/rate-limiter.js";
import { StatusTracker } from "../core/status-tracker.js";
import type { Platform } from "../core/types.js";
import type { Logger } from "../logger.js";
import { CancelBus } from "../queue/cancel-bus.js";
import { DeliveryConsumer } from "../queue/delivery-consumer.js";
import { EditQueue } from "../queue/edit-queue.js";
import { ImageStore } from "../queue/image-store.js";
import { JobRecords } from "../queue/job-records.js";
import type { DeliveryJob } from "../queue/job-schemas.js";
import { KeyNames } from "../queue/queue-names.js";
import { duplicateRedis, type RedisLike } from "../queue/redis-connection.js";

/**
 * Everything a bot process shares across platforms: the core service, the queue producer, and the
 * delivery consumer. Platform adapters register themselves in `adapters` before `startDeliveries()`.
 */
export class BotContext {
  readonly keys: KeyNames;
  readonly images: ImageStore;
  /** The one way images enter the store: bounded, and only once they decode. */
  readonly intake: ImageIntake;
  readonly records: JobRecords;
  readonly queue: EditQueue;
  readonly adapters = new Map<Platform, PlatformAdapter>();
  readonly service: EditService;
  readonly tracker: StatusTracker;
  private consumer?: DeliveryConsumer;
  /** Told about every delivery the bot handles (metrics); a listener must not throw. */
  private readonly deliveryListeners: ((delivery: DeliveryJob, outcome: "delivered" | "error") => void)[] =
    [];
  private readonly refusalListeners: ((code: UserErrorCode, platform: Platform) => void)[] = [];
  private readonly extraConnections: RedisLike[] = [];

  constructor(
    readonly config: Config,
    readonly redis: RedisLike,
    readonly logger: Logger,
  ) {
    this.keys = new KeyNames(config.keyPrefix);
    this.images = new ImageStore(redis, this.keys, config.limits.imageTtlSeconds);
    this.records = new JobRecords(redis, this.keys, config.limits.imageTtlSeconds);
    this.queue = new EditQueue(redis, config.keyPrefix, logger);
    this.intake = new ImageIntake(
      this.images,
      config.limits,
      new IntakeGate({
        concurrency: config.limits.intakeConcurrency,
        maxWaiting: config.limits.intakeQueue,
      }),
    );
    this.service = new EditService({
      config,
      redis,
      keys: this.keys,
      queue: this.queue,
      records: this.records,
      intake: this.intake,
      cancelBus: new CancelBus(redis, this.keys),
      rateLimiter: new RateLimiter(redis, config.limits.ratePerMinute, config.limits.rateBurst),
      adapters: this.adapters,
      logger,
      onRefused: (code, platform) => {
        for (const listen of this.refusalListeners) listen(code, platform);
      },
    });
    this.tracker = new StatusTracker(this.connection(), config.keyPrefix, {
      queue: this.queue,
      records: this.records,
      adapters: this.adapters,
      logger,
      minIntervalMs: config.statusUpdateMs,
    });
  }

  /** Told about every request the core refused, with the reason (metrics); a listener must not throw. */
  onRefused(listener: (code: UserErrorCode, platform: Platform) => void): void {
    this.refusalListeners.push(listener);
  }

  onDelivery(listener: (delivery: DeliveryJob, outcome: "delivered" | "error") => void): void {
    this.deliveryListeners.push(listener);
  }

  /** True while the delivery consumer is taking deliveries (readiness). */
  deliveriesRunning(): boolean {
    return this.consumer?.worker.isRunning() ?? false;
  }

  register(adapter: PlatformAdapter): void {
    this.adapters.set(adapter.platform, adapter);
  }

  /** Starts consuming deliveries: results that finished while the bot was down are posted now. */
  async startDeliveries(): Promise<void> {
    const router = new DeliveryRouter({
      adapters: this.adapters,
      images: this.images,
      records: this.records,
      redis: this.redis,
      keys: this.keys,
      logger: this.logger,
    });
    this.consumer = new DeliveryConsumer(
      this.connection(),
      this.redis,
      this.keys,
      this.config.keyPrefix,
      async (delivery) => {
        // Progress still throttled for this job must not overwrite the final status.
        this.tracker.forget(delivery.job.jobId);
        try {
          await router.handle(delivery);
        } catch (err) {
          for (const listen of this.deliveryListeners) listen(delivery, "error");
          throw err;
        }
        for (const listen of this.deliveryListeners) listen(delivery, "delivered");
      },
      this.logger,
    );
    await Promise.all([this.consumer.worker.waitUntilReady(), this.tracker.waitUntilReady()]);
  }

  private connection(): RedisLike {
    const c = duplicateRedis(this.redis, this.logger, "bot");
    this.extraConnections.push(c);
    return c;
  }

  async close(): Promise<void> {
    await this.consumer?.close();
    await this.tracker.close();
    await this.queue.close();
    for (const c of this.extraConnections) c.disconnect();
  }
}
