import type { Job } from "bullmq";
import { INTAKE_LOST, JOB_LOST, WORKER_FAILED } from "../core/messages.js";
import type { Origin } from "../core/types.js";
import type { Logger } from "../logger.js";
import type { DeliveryQueue } from "./delivery-queue.js";
import type { EditQueue } from "./edit-queue.js";
import { failureNotice } from "./failure-notice.js";
import type { JobRecords } from "./job-records.js";
import { type DeliveryJob, type EditJob, editJobSchema, resultSchema } from "./job-schemas.js";
import type { JobSlots, OpenJob } from "./job-slots.js";
import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";
import { isStorageFull } from "./redis-errors.js";
import { INTAKE_MAX_MS } from "./redis-job-slots.js";

/** At most this many open jobs are checked per pass, so one pass stays short on a long queue. */
const BATCH = 200;

/**
 * A job that failed less than this long ago may still get its worker's own notice (the worker
 * retries queueing it for about 8 s; see NOTICE_RETRY_DELAYS_MS in the worker).
 */
const NOTICE_WINDOW_MS = 10_000;

export type SweepVerdict = "alive" | "delivering" | "repaired" | "released";

export interface OpenJobSweepDeps {
  slots: JobSlots;
  queue: EditQueue;
  deliveries: DeliveryQueue;
  records: JobRecords;
  redis: RedisLike;
  keys: KeyNames;
  logger: Logger;
  /** How often a pass runs. */
  intervalMs: number;
  /** Jobs younger than this are left alone: their own end may still be on its way. */
  graceMs: number;
  /** Tells the thread of a job that is gone with nothing left to deliver; must not throw. */
  onLost: (origin: Origin, jobId: string, userMessage: string) => Promise<void>;
}

/**
 * Every admitted job ends in words. A job's end normally reaches its thread through a delivery the
 * worker queues; when that could not be queued (Redis full, a worker killed at the wrong moment, a
 * job removed by hand) the job would hold its person's slot and leave its status at "Finishing…"
 * for good. This sweep compares the open jobs with BullMQ's job states and repairs both sides: it
 * queues the missing delivery (which updates the thread and the record and frees the slot), or
 * frees a slot whose delivery already happened or was given up. Running it in several bots at once
 * is harmless: deliveries are keyed by job id and posted at most once.
 */
export class OpenJobSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly d: OpenJobSweepDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the open jobs older than the grace period; returns what it found for each. */
  async runOnce(now = Date.now()): Promise<Map<string, SweepVerdict>> {
    const verdicts = new Map<string, SweepVerdict>();
    const open = await this.d.slots.admittedBefore(now - this.d.graceMs, BATCH);
    for (const entry of open) {
      try {
        verdicts.set(entry.jobId, await this.check(entry, now));
      } catch (err) {
        // One job's trouble (Redis full again) must not stop the rest; the next pass retries it.
        this.d.logger.warn(
          { err, jobId: entry.jobId, storageFull: isStorageFull(err) },
          "sweep: job not checked",
        );
      }
    }
    const repaired = [...verdicts.values()].filter((v) => v === "repaired" || v === "released").length;
    if (repaired > 0) this.d.logger.info({ checked: open.length, repaired }, "sweep repaired open jobs");
    return verdicts;
  }

  /**
   * Checks one job now, whatever its age (cancel asks for this); true when its thread is being told
   * how it ended or its slot was freed.
   */
  async repair(jobId: string, now = Date.now()): Promise<boolean> {
    const record = await this.d.records.get(jobId);
    if (!record) return false;
    const { origin } = record.job;
    const verdict = await this.check(
      {
        jobId,
        owner: { platform: origin.platform, workspaceId: origin.workspaceId, userId: origin.userId },
        origin,
        since: record.job.requestedAt,
        pending: false,
      },
      now,
    );
    return verdict === "repaired" || verdict === "released";
  }

  private async check(entry: OpenJob, now: number): Promise<SweepVerdict> {
    const { jobId } = entry;
    const job = (await this.d.queue.queue.getJob(jobId)) as Job | undefined;
    if (entry.pending) {
      if (job) {
        await this.d.slots.queued(jobId);
      } else if (entry.since < now - INTAKE_MAX_MS) {
        await this.d.slots.release(jobId, { refundRate: true });
        if (entry.origin) await this.d.onLost(entry.origin, jobId, INTAKE_LOST);
        return "released";
      } else {
        return "alive";
      }
    }
    const state = job ? await job.getState() : "unknown";
    if (state !== "completed" && state !== "failed" && state !== "unknown") return "alive";
    if (state === "failed" && job?.finishedOn && job.finishedOn > now - NOTICE_WINDOW_MS) return "alive";

    if (await this.d.redis.exists(this.d.keys.delivered(jobId))) {
      await this.d.slots.release(jobId);
      return "released";
    }
    const delivery = await this.d.deliveries.queue.getJob(jobId);
    if (delivery) {
      const deliveryState = await delivery.getState();
      if (deliveryState !== "completed" && deliveryState !== "failed") return "delivering";
      // Delivered without its mark, or given up after an hour of platform outage: the slot is free.
      if (deliveryState === "failed")
        this.d.logger.warn({ jobId }, "sweep: the platform never took this job's outcome; freeing its slot");
      await this.d.slots.release(jobId);
      return "released";
    }

    const editJob = (await this.d.records.get(jobId))?.job ?? parseJob(job?.data);
    if (!editJob) {
      await this.d.slots.release(jobId);
      if (entry.origin) await this.d.onLost(entry.origin, jobId, JOB_LOST);
      return "released";
    }
    await this.d.deliveries.add(outcomeOf(editJob, job, state, now));
    this.d.logger.warn(
      { jobId, state },
      "sweep: this job ended without a word in its thread; telling it now",
    );
    return "repaired";
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err) => this.d.logger.warn({ err, storageFull: isStorageFull(err) }, "sweep pass failed"))
        .finally(() => this.schedule());
    }, this.d.intervalMs);
    this.timer.unref();
  }
}

function parseJob(data: unknown): EditJob | undefined {
  const parsed = editJobSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** The delivery the worker would have queued, rebuilt from what BullMQ kept of the job. */
function outcomeOf(
  job: EditJob,
  bull: Job | undefined,
  state: "completed" | "failed" | "unknown",
  now: number,
): DeliveryJob {
  const base = { v: 1 as const, deliveryId: job.jobId, job, finishedAt: bull?.finishedOn ?? now };
  if (state === "completed") {
    const value = bull?.returnvalue as { status?: string; result?: unknown } | undefined;
    if (value?.status === "cancelled") return { ...base, status: "cancelled" };
    const result = resultSchema.safeParse(value?.result);
    if (result.success) return { ...base, status: "done", result: result.data };
    return { ...base, status: "failed", error: { code: "worker_failed", userMessage: WORKER_FAILED } };
  }
  if (state === "failed") {
    // BullMQ keeps the message and the stack; the stack's first word is the error's class name.
    const name = /^(\w+):/.exec(bull?.stacktrace?.at(-1) ?? "")?.[1];
    return { ...base, status: "failed", error: failureNotice({ name, message: bull?.failedReason }) };
  }
  return { ...base, status: "failed", error: { code: "worker_failed", userMessage: JOB_LOST } };
}
