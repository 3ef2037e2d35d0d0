import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Config } from "../../config/index.js";
import { ImageError } from "../../src/images/errors/image-error.js";
import type { Logger } from "../../src/logger.js";
import { CancelBus } from "../../src/queue/cancel-bus.js";
import { DeliveryQueue } from "../../src/queue/delivery-queue.js";
import { EDIT_JOB_ATTEMPTS } from "../../src/queue/edit-queue.js";
import { failureNotice } from "../../src/queue/failure-notice.js";
import { ImageStore, sha256Hex } from "../../src/queue/image-store.js";
import { JobRecords } from "../../src/queue/job-records.js";
import {
  describeInvalid,
  type EditJob,
  type EditResultData,
  editJobSchema,
} from "../../src/queue/job-schemas.js";
import { bullPrefix, EDIT_QUEUE, KeyNames } from "../../src/queue/queue-names.js";
import { duplicateRedis, type RedisLike } from "../../src/queue/redis-connection.js";
import { ReplicaAck } from "../../src/queue/replica-ack.js";
import { ThrottledErrorLog } from "../../src/queue/throttled-error-log.js";
import { RedisInversionCache } from "./cache.js";
import { editImage } from "./flux/edit-image.js";
import { PromptTooLongError } from "./flux/errors/prompt-too-long-error.js";
import type { EditImageResult, FluxModel, ProgressUpdate } from "./flux/types.js";

/** The job record and the image must outlive the job; these are refreshed as the worker touches them. */
const PROGRESS_MIN_INTERVAL_MS = 250;

/**
 * A killed worker's job must be picked up by another within 30 s: the lock expires after 15 s
 * without renewal, and every worker checks for stalled jobs every 10 s. Inference runs off the event
 * loop (worker thread), so a long model step never starves lock renewal.
 */
export const LOCK_DURATION_MS = 15_000;
export const STALLED_INTERVAL_MS = 10_000;

/**
 * A failure notice that cannot be queued (Redis full for a moment) is tried again after these
 * pauses; past them the bot's sweep finds the ended job and tells its thread.
 */
export const NOTICE_RETRY_DELAYS_MS = [500, 1000, 2000, 4000];

export interface EditWorkerOptions {
  config: Config;
  redis: RedisLike;
  model: FluxModel;
  logger: Logger;
  /** For tests: stop after the current job instead of waiting for the next. */
  autorun?: boolean;
}

/** Reasons a job fails at once, without retries: nothing about it will change on a second try. */
function userFacing(err: unknown): string | null {
  if (err instanceof PromptTooLongError) return err.message;
  if (err instanceof ImageError) return err.userMessage;
  if (err instanceof RangeError) return `The edit settings are out of range: ${err.message}.`;
  return null;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === "AbortError";
}

/**
 * The GPU worker: one BullMQ consumer of `edit` jobs per GPU. It runs the Flux pipeline with the
 * shared inversion cache, reports progress, honours cancels, and always hands the outcome to the
 * delivery queue. It never talks to Discord or Slack.
 */
export class EditWorker {
  readonly worker: Worker;
  readonly cache: RedisInversionCache;
  private readonly keys: KeyNames;
  private readonly images: ImageStore;
  private readonly records: JobRecords;
  private readonly deliveries: DeliveryQueue;
  private readonly cancelBus: CancelBus;
  private readonly subscriber: RedisLike;
  private readonly workerConnection: RedisLike;
  private readonly durability: ReplicaAck;
  private unsubscribe?: () => Promise<void>;
  private closing = false;
  transformerCalls = 0;

  constructor(private readonly o: EditWorkerOptions) {
    const { config, redis } = o;
    this.keys = new KeyNames(config.keyPrefix);
    this.images = new ImageStore(redis, this.keys, config.limits.imageTtlSeconds);
    this.records = new JobRecords(redis, this.keys, config.limits.imageTtlSeconds);
    this.deliveries = new DeliveryQueue(redis, config.keyPrefix, o.logger);
    this.cancelBus = new CancelBus(redis, this.keys);
    this.cache = new RedisInversionCache(redis, this.keys, config.limits.cacheTtlSeconds);
    this.durability = new ReplicaAck(redis, { logger: o.logger });
    this.subscriber = duplicateRedis(redis, o.logger, "cancel-subscriber");
    this.workerConnection = duplicateRedis(redis, o.logger, "worker");
    this.worker = new Worker(EDIT_QUEUE, (job, _token, signal) => this.process(job, signal), {
      connection: this.workerConnection,
      prefix: bullPrefix(config.keyPrefix),
      concurrency: config.worker.concurrency,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: 2,
      autorun: o.autorun ?? true,
    });
    this.worker.on("failed", (job, err) => void this.onFailed(job, err));
    // During an outage BullMQ reports every failed poll; one line in words per 10 s is enough.
    const errors = new ThrottledErrorLog(o.logger, "edit worker");
    this.worker.on("error", (err) => errors.report(err));
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.cancelBus.subscribe(this.subscriber, (jobId) => {
      if (this.worker.cancelJob(jobId, "cancelled"))
        this.o.logger.info({ jobId }, "cancelling the running job");
    });
    await this.worker.waitUntilReady();
    this.o.logger.info(
      {
        model: this.o.model.info.name,
        provider: this.o.model.info.executionProvider,
        concurrency: this.o.config.worker.concurrency,
      },
      "GPU worker is taking edit jobs",
    );
  }

  private async process(
    job: Job,
    signal?: AbortSignal,
  ): Promise<{ status: string; result?: EditResultData }> {
    const parsed = editJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = describeInvalid(parsed.error);
      this.o.logger.error({ jobId: job.id, reason }, "rejected a malformed edit job");
      throw new UnrecoverableError(`malformed edit job: ${reason}`);
    }
    const data = parsed.data;
    const log = this.o.logger.child({ jobId: data.jobId });
    if (await this.cancelBus.isCancelled(data.jobId)) return this.cancelled(data, log);
    // A failover can roll back the job's completion but not its delivery (confirmed on a replica):
    // the job then comes back; its outcome is already known, so it is not done twice.
    const record = await this.records.get(data.jobId);
    if (record && (record.status === "done" || record.status === "failed" || record.status === "cancelled")) {
      log.info({ status: record.status }, "edit already ended (replayed after a failover); not run again");
      return { status: record.status };
    }

    await this.records.update(data.jobId, { status: "running" });
    const image = await this.images.get(data.imageKey);
    if (!image)
      throw new UnrecoverableError("The image for this edit has expired from storage. Upload it again.");

    let lastProgressAt = 0;
    const onProgress = (p: ProgressUpdate) => {
      const now = Date.now();
      const last = p.step === p.total;
      if (!last && now - lastProgressAt < PROGRESS_MIN_INTERVAL_MS) return;
      lastProgressAt = now;
      job.updateProgress(p).catch((err) => log.debug({ err }, "progress not recorded"));
    };

    let out: EditImageResult;
    try {
      out = await editImage(
        this.o.model,
        {
          image,
          prompt: data.spec.prompt,
          strength: data.spec.strength,
          seed: data.spec.seed,
          steps: data.spec.steps,
          inversionSteps: data.spec.inversionSteps,
          solver: data.spec.solver,
          gamma: data.spec.gamma,
          eta: data.spec.eta,
          sampler: data.spec.sampler,
          guidance: data.spec.guidance,
          inversionSeed: data.spec.inversionSeed,
          targetMegapixels: this.o.config.limits.targetMegapixels,
        },
        { cache: this.cache, onProgress, signal, logger: log },
      );
    } catch (err) {
      if (isAbort(err) && (await this.cancelBus.isCancelled(data.jobId))) return this.cancelled(data, log);
      const message = userFacing(err);
      if (message) throw new UnrecoverableError(message);
      throw err;
    }
    this.transformerCalls += out.transformerCalls;

    const result: EditResultData = {
      imageKey: sha256Hex(out.png),
      width: out.width,
      height: out.height,
      totalMs: Math.round(out.totalMs),
      timingsMs: Object.fromEntries(Object.entries(out.timingsMs).map(([k, v]) => [k, Math.round(v ?? 0)])),
      transformerCalls: out.transformerCalls,
      inversionCached: out.inversionCached,
      solver: data.spec.solver,
      modelName: out.model.name,
      isDemo: out.model.isDemo,
    };
    const finishedAt = Date.now();
    // Image and delivery on a replica before the job counts as done, redone after a failover.
    await this.durability.confirm("the result", async () => {
      await this.images.put(out.png);
      await this.deliveries.add({
        v: 1,
        deliveryId: data.jobId,
        job: data,
        status: "done",
        result,
        finishedAt,
      });
    });
    log.info(
      {
        totalMs: result.totalMs,
        transformerCalls: result.transformerCalls,
        cached: result.inversionCached,
        sampler: data.spec.sampler,
        solver: data.spec.solver,
      },
      "edit done",
    );
    return { status: "done", result };
  }

  private async cancelled(data: EditJob, log: Logger): Promise<{ status: string }> {
    const finishedAt = Date.now();
    await this.durability.confirm("the cancel notice", () =>
      this.deliveries.add({ v: 1, deliveryId: data.jobId, job: data, status: "cancelled", finishedAt }),
    );
    log.info("edit cancelled");
    return { status: "cancelled" };
  }

  /** A job that will not be tried again still gets its answer in the thread. */
  private async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? EDIT_JOB_ATTEMPTS;
    const final =
      err instanceof UnrecoverableError || err.name === "UnrecoverableError" || job.attemptsMade >= attempts;
    if (!final) {
      this.o.logger.warn({ err, jobId: job.id, attempt: job.attemptsMade }, "edit failed; will retry");
      return;
    }
    const parsed = editJobSchema.safeParse(job.data);
    if (!parsed.success) return;
    const notice = failureNotice(err);
    if (notice.code === "bad_input")
      this.o.logger.info({ jobId: job.id, reason: err.message }, "edit refused");
    else this.o.logger.error({ err, jobId: job.id }, "edit failed");
    const delivery = {
      v: 1 as const,
      deliveryId: parsed.data.jobId,
      job: parsed.data,
      status: "failed" as const,
      error: notice,
      finishedAt: Date.now(),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        // Confirmed on a replica like every notice a person is told about (docs/operations.md).
        await this.durability.confirm("the failure notice", () => this.deliveries.add(delivery));
        return;
      } catch (e) {
        const delay = NOTICE_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || this.closing) {
          this.o.logger.error(
            { err: e, jobId: job.id },
            "could not queue the failure notice; the bot's sweep will tell the thread",
          );
          return;
        }
        this.o.logger.warn(
          { err: e, jobId: job.id, retryInMs: delay },
          "could not queue the failure notice yet",
        );
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  /**
   * Stops taking jobs and lets the running one finish; after `graceMs` it gives the job back (its
   * lock lapses and another worker takes it over).
   */
  async close(graceMs = 30_000): Promise<void> {
    this.closing = true;
    await this.unsubscribe?.();
    const graceful = this.worker.close();
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
    if ((await Promise.race([graceful, timer])) === "timeout") {
      this.o.logger.warn("the running edit did not finish in time; handing it back to the queue");
      await this.worker.close(true);
    }
    await this.deliveries.close();
    this.subscriber.disconnect();
    this.workerConnection.disconnect();
  }
}
