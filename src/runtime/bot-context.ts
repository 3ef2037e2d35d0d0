import type { Config } from "../../config/index.js";
import { Admission } from "../core/admission.js";
import { DeliveryRouter } from "../core/delivery-router.js";
import { EditService } from "../core/edit-service.js";
import type { UserErrorCode } from "../core/errors/user-facing-error.js";
import { ImageIntake } from "../core/image-intake.js";
import { IntakeGate } from "../core/intake/intake-gate.js";
import { failedText } from "../core/messages.js";
import type { PlatformAdapter } from "../core/platform-adapter.js";
import { StatusTracker } from "../core/status-tracker.js";
import { TeamService } from "../core/team/team-service.js";
import type { Origin, Platform } from "../core/types.js";
import type { Logger } from "../logger.js";
import { CancelBus } from "../queue/cancel-bus.js";
import { ChannelSettingsStore } from "../queue/channel-settings-store.js";
import { DeliveryConsumer } from "../queue/delivery-consumer.js";
import { DeliveryQueue } from "../queue/delivery-queue.js";
import { EditQueue } from "../queue/edit-queue.js";
import { ImageStore } from "../queue/image-store.js";
import { JobRecords } from "../queue/job-records.js";
import type { DeliveryJob } from "../queue/job-schemas.js";
import type { JobSlots } from "../queue/job-slots.js";
import { OpenJobSweep } from "../queue/open-job-sweep.js";
import { KeyNames } from "../queue/queue-names.js";
import { duplicateRedis, type RedisLike } from "../queue/redis-connection.js";
import { RedisJobSlots } from "../queue/redis-job-slots.js";
import { ReplicaAck } from "../queue/replica-ack.js";
import { StatusRanks } from "../queue/status-ranks.js";
import { TeamRecords } from "../queue/team-records.js";
import { TokenBucket } from "../queue/token-bucket.js";
import { WorkerPresence } from "../queue/worker-presence.js";

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
  /** Team editing: Compare, Try strengths, tiles, channel defaults, history (docs/team-editing.md). */
  readonly team: TeamService;
  readonly teamRecords: TeamRecords;
  readonly channelSettings: ChannelSettingsStore;
  private router?: DeliveryRouter;
  /** Confirms on a replica the writes people are told about (docs/operations.md). */
  readonly durability: ReplicaAck;
  readonly slots: JobSlots;
  /** Repairs open jobs that ended without a word in their thread (runs once deliveries start). */
  readonly sweep: OpenJobSweep;
  /** Whether any GPU worker is online (BullMQ's worker list). */
  readonly workers: WorkerPresence;
  private readonly deliveries: DeliveryQueue;
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
    this.teamRecords = new TeamRecords(redis, this.keys, config.limits.imageTtlSeconds);
    this.channelSettings = new ChannelSettingsStore(redis, this.keys);
    this.intake = new ImageIntake(
      this.images,
      config.limits,
      new IntakeGate({
        concurrency: config.limits.intakeConcurrency,
        maxWaiting: config.limits.intakeQueue,
      }),
    );
    this.durability = new ReplicaAck(redis, { logger });
    const ranks = new StatusRanks(redis, this.keys);
    this.deliveries = new DeliveryQueue(redis, config.keyPrefix, logger);
    this.slots = new RedisJobSlots(redis, config.keyPrefix, {
      maxQueueLength: config.limits.maxQueueLength,
      maxQueuedPerUser: config.limits.maxQueuedPerUser,
      ratePerMinute: config.limits.ratePerMinute,
      rateBurst: config.limits.rateBurst,
    });
    this.workers = new WorkerPresence(this.queue.queue, config.noWorkerNoticeMs, logger);
    this.sweep = new OpenJobSweep({
      slots: this.slots,
      queue: this.queue,
      deliveries: this.deliveries,
      records: this.records,
      redis,
      keys: this.keys,
      logger,
      intervalMs: config.sweepIntervalMs,
      graceMs: config.sweepIntervalMs,
      onLost: (origin, jobId, userMessage) => this.tellLost(origin, jobId, userMessage),
    });
    this.service = new EditService({
      config,
      queue: this.queue,
      records: this.records,
      intake: this.intake,
      cancelBus: new CancelBus(redis, this.keys),
      admission: new Admission(this.slots, config.rerunPolicy),
      slots: this.slots,
      repairEnded: (jobId) => this.sweep.repair(jobId),
      noWorkerOnline: () => this.workers.noneForAWhile(),
      channelSettings: this.channelSettings,
      adapters: this.adapters,
      logger,
      durability: this.durability,
      ranks,
      onRefused: (code, platform) => {
        for (const listen of this.refusalListeners) listen(code, platform);
      },
    });
    // Compare and tile picks run no model, but are requests like any other: rate-limited per person.
    const rateLimiter = new TokenBucket(redis, config.limits.ratePerMinute, config.limits.rateBurst);
    this.team = new TeamService({
      config,
      keys: this.keys,
      records: this.records,
      images: this.images,
      team: this.teamRecords,
      settings: this.channelSettings,
      service: this.service,
      rateLimiter,
      adapters: this.adapters,
      router: () => this.router,
      logger,
    });
    this.tracker = new StatusTracker(this.connection(), config.keyPrefix, {
      queue: this.queue,
      records: this.records,
      ranks,
      adapters: this.adapters,
      logger,
      minIntervalMs: config.statusUpdateMs,
      noWorkerOnline: () => this.workers.noneForAWhile(),
    });
    this.workers.onChange(() => void this.tracker.refreshPositions());
  }

  private async tellLost(origin: Origin, jobId: string, userMessage: string): Promise<void> {
    try {
      await this.adapters
        .get(origin.platform)
        ?.updateStatus(origin, { text: failedText(userMessage), cancellable: false });
    } catch (err) {
      this.logger.warn({ err, jobId }, "could not tell a thread that its edit was interrupted");
    }
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
      slots: this.slots,
      logger: this.logger,
      team: this.teamRecords,
    });
    this.router = router;
    this.consumer = new DeliveryConsumer(
      this.connection(),
      this.redis,
      this.keys,
      this.config.keyPrefix,
      async (delivery) => {
        // Progress still throttled for this job must not overwrite the final status.
        await this.tracker.finish(delivery.job.jobId);
        try {
          await router.handle(delivery);
        } catch (err) {
          for (const listen of this.deliveryListeners) listen(delivery, "error");
          throw err;
        }
        for (const listen of this.deliveryListeners) listen(delivery, "delivered");
      },
      this.logger,
      {
        durability: this.durability,
        redoable: (delivery) => this.adapters.get(delivery.job.origin.platform)?.platform === "playground",
      },
    );
    await Promise.all([this.consumer.worker.waitUntilReady(), this.tracker.waitUntilReady()]);
    this.workers.start();
    this.sweep.start();
  }

  private connection(): RedisLike {
    const c = duplicateRedis(this.redis, this.logger, "bot");
    this.extraConnections.push(c);
    return c;
  }

  async close(): Promise<void> {
    this.workers.stop();
    await this.sweep.stop();
    await this.consumer?.close();
    await this.tracker.close();
    await this.queue.close();
    await this.deliveries.close();
    for (const c of this.extraConnections) c.disconnect();
  }
}
