import { Queue } from "bullmq";
import type { Logger } from "../logger.js";
import { type EditJob, editJobSchema } from "./job-schemas.js";
import { bullPrefix, EDIT_QUEUE } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

/** Transient worker faults (a GPU hiccup, Redis blip) are retried; bad input fails at once. */
export const EDIT_JOB_ATTEMPTS = 3;

/** The producer side of the `edit` queue: adds validated jobs and tells where they stand. */
export class EditQueue {
  readonly queue: Queue;

  constructor(connection: RedisLike, keyPrefix: string, logger?: Logger) {
    this.queue = new Queue(EDIT_QUEUE, {
      connection,
      prefix: bullPrefix(keyPrefix),
      defaultJobOptions: {
        attempts: EDIT_JOB_ATTEMPTS,
        backoff: { type: "exponential", delay: 2000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
      },
    });
    // Without a listener a connection error would be printed raw by BullMQ; the outage is logged once
    // by the connection itself, so this stays quiet unless debugging.
    this.queue.on("error", (err) => logger?.debug({ err }, "edit queue: Redis error"));
  }

  async add(job: EditJob): Promise<void> {
    const data = editJobSchema.parse(job);
    await this.queue.add("edit", data, { jobId: data.jobId });
  }

  /** 1 for the next job to start, 0 when it is running or done, null when unknown. */
  async position(jobId: string): Promise<number | null> {
    const waiting = await this.queue.getRanges(["wait", "prioritized"], 0, -1, true);
    const index = waiting.indexOf(jobId);
    if (index >= 0) return index + 1;
    const state = await this.queue.getJobState(jobId);
    return state === "unknown" ? null : 0;
  }

  /** True once a worker has reported progress on the job (its status has moved past "queued"). */
  async hasProgress(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    return Boolean(job?.progress && typeof job.progress === "object");
  }

  /** Ids of waiting jobs, next first. */
  async waitingIds(): Promise<string[]> {
    return this.queue.getRanges(["wait", "prioritized"], 0, -1, true);
  }

  async counts(): Promise<{ waiting: number; active: number; delayed: number }> {
    const c = await this.queue.getJobCounts("wait", "prioritized", "active", "delayed");
    return { waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0 };
  }

  /** True when BullMQ holds the job as completed or failed, or does not hold it at all. */
  async hasEnded(jobId: string): Promise<boolean> {
    const state = await this.queue.getJobState(jobId);
    return state === "completed" || state === "failed" || state === "unknown";
  }

  /**
   * Removes a job no worker is running: one that has not started, or one still "active" whose
   * worker died (its lock lapsed; BullMQ's removeJob script refuses a locked job). Says which, or
   * null when a live worker holds it or it is gone.
   */
  async removeIfNotRunning(jobId: string): Promise<"waiting" | "orphaned" | null> {
    const job = await this.queue.getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    if (state !== "waiting" && state !== "delayed" && state !== "prioritized" && state !== "active")
      return null;
    try {
      await job.remove();
      return state === "active" ? "orphaned" : "waiting";
    } catch {
      // Locked: it started between the check and the removal, or a live worker runs it.
      return null;
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
