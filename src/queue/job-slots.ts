import type { Origin, Platform } from "../core/types.js";

/** Whose slot a job holds: one person in one workspace of one platform. */
export interface SlotOwner {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

/** The caps admission enforces, all in one step. */
export interface SlotLimits {
  /** Jobs waiting for a worker (BullMQ's waiting, prioritized and delayed jobs, plus intakes under way). */
  maxQueueLength: number;
  /** Jobs one person has open: admitted and not yet ended. */
  maxQueuedPerUser: number;
  ratePerMinute: number;
  rateBurst: number;
}

export type Reservation =
  | { ok: true }
  | { ok: false; reason: "queue_full"; limit: number }
  | { ok: false; reason: "too_many_queued"; held: number; limit: number }
  | { ok: false; reason: "rate_limited"; retryAfterMs: number };

/** An admitted job that has not been released yet, as the sweep sees it. */
export interface OpenJob {
  jobId: string;
  owner: SlotOwner;
  /** Where its thread is, for telling it when the job was lost before it was queued. */
  origin?: Origin;
  /** When it was admitted (ms since the epoch). */
  since: number;
  /** Admitted, but its image intake has not finished queueing it yet. */
  pending: boolean;
}

/**
 * The slots jobs hold: the per-person set of open jobs, the global count of waiting work, and the
 * rate-limit bucket. A job takes its slots before anything slow happens (the download) and gives
 * them back when it ends, however it ends.
 */
export interface JobSlots {
  /** Takes the global slot, the person's slot and a rate token together, or none of them. */
  reserve(owner: SlotOwner, jobId: string, origin: Origin, now?: number): Promise<Reservation>;
  /** The job is in the queue now: BullMQ's waiting list counts it, no longer the intake mark. */
  queued(jobId: string): Promise<void>;
  /**
   * Gives back the job's slots (it ended, was cancelled, or its intake failed). `refundRate` also
   * returns the rate token, for failures that were not the person's doing. Releasing twice is a no-op.
   */
  release(jobId: string, options?: { refundRate?: boolean }): Promise<void>;
  /** The person's open jobs, oldest first. */
  openJobsOf(owner: SlotOwner): Promise<string[]>;
  /** Open jobs admitted before `before`, oldest first, at most `limit`: what the sweep checks. */
  admittedBefore(before: number, limit: number): Promise<OpenJob[]>;
}
