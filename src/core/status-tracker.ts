import { QueueEvents } from "bullmq";
import type { Logger } from "../logger.js";
import type { EditQueue } from "../queue/edit-queue.js";
import type { JobRecords } from "../queue/job-records.js";
import { progressSchema } from "../queue/job-schemas.js";
import { bullPrefix, EDIT_QUEUE } from "../queue/queue-names.js";
import type { RedisLike } from "../queue/redis-connection.js";
import { progressRank, QUEUED_RANK, type StatusRanks } from "../queue/status-ranks.js";
import { NO_WORKER_ONLINE, progressText, queuedText } from "./messages.js";
import type { PlatformAdapter, StatusView } from "./platform-adapter.js";
import type { Origin, Platform } from "./types.js";

interface Pending {
  origin: Origin;
  view: StatusView;
  /** How far along `view` is (queued < preparing < inverting k < editing k < finishing). */
  rank: number;
  timer?: NodeJS.Timeout;
  lastSentAt: number;
}

/**
 * Keeps status messages moving (queued, position N; inverting k/n; editing k/n) from BullMQ's
 * QueueEvents. Best effort by design: at most one edit per message every `minIntervalMs` (platforms
 * rate-limit message edits), the latest text always wins, and a lost update is simply superseded.
 * It never goes backwards: events replayed after a reconnection, or seen late by this bot while
 * another already delivered the result, are older than what the message shows and are dropped
 * (ranks in Redis, shared by every bot; an ended job outranks all progress).
 */
export class StatusTracker {
  private readonly events: QueueEvents;
  private readonly pending = new Map<string, Pending>();
  private readonly origins = new Map<string, Origin | null>();
  /** Jobs this bot saw end; their late events are ignored without asking Redis. */
  private readonly ended = new Set<string>();
  private closed = false;

  constructor(
    connection: RedisLike,
    keyPrefix: string,
    private readonly deps: {
      queue: EditQueue;
      records: JobRecords;
      ranks?: StatusRanks;
      adapters: Map<Platform, PlatformAdapter>;
      logger: Logger;
      minIntervalMs: number;
      /** True while no GPU worker has been online for the configured wait. */
      noWorkerOnline?: () => boolean;
    },
  ) {
    this.events = new QueueEvents(EDIT_QUEUE, { connection, prefix: bullPrefix(keyPrefix) });
    this.events.on("progress", ({ jobId, data }) => {
      const p = progressSchema.safeParse(data);
      if (p.success)
        void this.push(jobId, { jobId, text: progressText(p.data), cancellable: true }, progressRank(p.data));
    });
    // When a job starts, everyone behind it moves up one place.
    this.events.on("active", () => void this.refreshPositions());
    this.events.on("removed", () => void this.refreshPositions());
    this.events.on("error", (err) => this.deps.logger.warn({ err }, "queue events error"));
  }

  async waitUntilReady(): Promise<void> {
    await this.events.waitUntilReady();
  }

  /** Rewrites every waiting job's place in the queue (and whether any worker is there to take it). */
  async refreshPositions(): Promise<void> {
    try {
      const waiting = await this.deps.queue.waitingIds();
      const notice = this.deps.noWorkerOnline?.() ? ` ${NO_WORKER_ONLINE}` : "";
      await Promise.all(
        waiting.map((jobId, i) =>
          this.push(
            jobId,
            { jobId, text: `${queuedText(i + 1)}${notice}`, cancellable: true },
            QUEUED_RANK,
            true,
          ),
        ),
      );
    } catch (err) {
      this.deps.logger.debug({ err }, "could not refresh queue positions");
    }
  }

  private async originOf(jobId: string): Promise<Origin | null> {
    if (this.origins.has(jobId)) return this.origins.get(jobId) ?? null;
    const record = await this.deps.records.get(jobId);
    const origin = record?.job.origin ?? null;
    this.origins.set(jobId, origin);
    if (this.origins.size > 5000) this.origins.delete(this.origins.keys().next().value as string);
    return origin;
  }

  private async push(jobId: string, view: StatusView, rank: number, onlyIfChanged = false): Promise<void> {
    if (this.closed || this.ended.has(jobId)) return;
    const origin = await this.originOf(jobId);
    if (!origin?.statusMessageId || this.ended.has(jobId)) return;
    const entry = this.pending.get(jobId) ?? { origin, view, rank, lastSentAt: 0 };
    if (rank < entry.rank) return;
    if (onlyIfChanged && entry.view.text === view.text && entry.lastSentAt > 0) return;
    entry.view = view;
    entry.rank = rank;
    this.pending.set(jobId, entry);
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastSentAt + this.deps.minIntervalMs - Date.now());
    entry.timer = setTimeout(() => void this.flush(jobId), wait);
  }

  private async flush(jobId: string): Promise<void> {
    const entry = this.pending.get(jobId);
    if (!entry || this.closed) return;
    entry.timer = undefined;
    entry.lastSentAt = Date.now();
    const adapter = this.deps.adapters.get(entry.origin.platform);
    try {
      if (this.deps.ranks && !(await this.deps.ranks.claim(jobId, entry.rank))) {
        this.deps.logger.debug({ jobId }, "older status than the message shows; dropped");
        return;
      }
      if (this.ended.has(jobId) || this.closed) return;
      await adapter?.updateStatus(entry.origin, entry.view);
    } catch (err) {
      this.deps.logger.debug({ err, jobId }, "status update skipped");
    }
  }

  /** A job ended: its status is the delivery's to write now. */
  forget(jobId: string): void {
    const entry = this.pending.get(jobId);
    if (entry?.timer) clearTimeout(entry.timer);
    this.pending.delete(jobId);
    this.origins.delete(jobId);
    this.ended.add(jobId);
    // Bounded: the oldest ended jobs are remembered by their rank in Redis alone.
    if (this.ended.size > 5000) this.ended.delete(this.ended.values().next().value as string);
  }

  /** A job ended: no bot may show its progress again (done before its final status is written). */
  async finish(jobId: string): Promise<void> {
    this.forget(jobId);
    await this.deps.ranks?.end(jobId);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.pending.values()) if (e.timer) clearTimeout(e.timer);
    this.pending.clear();
    await this.events.close();
  }
}
