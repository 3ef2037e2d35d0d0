import type { Origin } from "../../src/core/types.js";
import type { JobSlots, OpenJob, Reservation, SlotLimits, SlotOwner } from "../../src/queue/job-slots.js";

/**
 * The job slots in memory, for unit tests of the core's rules. Same contract as RedisJobSlots; the
 * queue's waiting jobs are whatever the test says (`waitingInQueue`).
 */
export class MemoryJobSlots implements JobSlots {
  waitingInQueue = 0;
  private readonly open = new Map<string, OpenJob>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limits: SlotLimits) {}

  async reserve(owner: SlotOwner, jobId: string, origin: Origin, now = Date.now()): Promise<Reservation> {
    const pending = [...this.open.values()].filter((j) => j.pending).length;
    if (this.waitingInQueue + pending >= this.limits.maxQueueLength)
      return { ok: false, reason: "queue_full", limit: this.limits.maxQueueLength };
    const held = (await this.openJobsOf(owner)).length;
    if (held >= this.limits.maxQueuedPerUser)
      return { ok: false, reason: "too_many_queued", held, limit: this.limits.maxQueuedPerUser };
    const rate = this.limits.ratePerMinute / 60_000;
    const b = this.buckets.get(key(owner)) ?? { tokens: this.limits.rateBurst, at: now };
    const tokens = Math.min(this.limits.rateBurst, b.tokens + (now - b.at) * rate);
    if (tokens < 1)
      return { ok: false, reason: "rate_limited", retryAfterMs: Math.ceil((1 - tokens) / rate) };
    this.buckets.set(key(owner), { tokens: tokens - 1, at: now });
    this.open.set(jobId, { jobId, owner, origin, since: now, pending: true });
    return { ok: true };
  }

  async queued(jobId: string): Promise<void> {
    const job = this.open.get(jobId);
    if (job?.pending) {
      job.pending = false;
      this.waitingInQueue++;
    }
  }

  async release(jobId: string, options: { refundRate?: boolean } = {}): Promise<void> {
    const job = this.open.get(jobId);
    if (!job) return;
    this.open.delete(jobId);
    const b = this.buckets.get(key(job.owner));
    if (options.refundRate && b) b.tokens = Math.min(this.limits.rateBurst, b.tokens + 1);
  }

  async openJobsOf(owner: SlotOwner): Promise<string[]> {
    return [...this.open.values()].filter((j) => key(j.owner) === key(owner)).map((j) => j.jobId);
  }

  async admittedBefore(before: number, limit: number): Promise<OpenJob[]> {
    return [...this.open.values()].filter((j) => j.since < before).slice(0, limit);
  }
}

function key(o: SlotOwner): string {
  return `${o.platform}\u0000${o.workspaceId}\u0000${o.userId}`;
}
