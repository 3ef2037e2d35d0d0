import type { MessageRef } from "../core/types.js";
import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

/** One line of a thread's history: which job, where its result is, and its history line. */
export interface HistoryEntry {
  jobId: string;
  line: string;
  link?: string;
  at: number;
}

/** Threads keep their newest entries only: /edit-history lists a chain, not an archive. */
export const HISTORY_MAX_ENTRIES = 50;

/**
 * What team editing remembers besides the job records, all with the image TTL so nothing outlives
 * the pictures it points at: which message is a Try-strengths grid (its tiles are in the grid job's
 * result), where each job's result was posted (for the next caption's link to its parent), and each
 * thread's history.
 */
export class TeamRecords {
  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    private readonly ttlSeconds: number,
  ) {}

  async linkGrid(ref: MessageRef, jobId: string): Promise<void> {
    await this.redis.set(
      this.keys.gridMessage(ref.platform, ref.channelId, ref.messageId),
      jobId,
      "EX",
      this.ttlSeconds,
    );
  }

  async gridJobOf(ref: MessageRef): Promise<string | null> {
    return this.redis.get(this.keys.gridMessage(ref.platform, ref.channelId, ref.messageId));
  }

  async setResultMessage(jobId: string, ref: MessageRef, link?: string): Promise<void> {
    await this.redis.set(
      this.keys.resultMessage(jobId),
      JSON.stringify({ ref, link }),
      "EX",
      this.ttlSeconds,
    );
  }

  async resultMessageOf(jobId: string): Promise<{ ref: MessageRef; link?: string } | null> {
    const raw = await this.redis.get(this.keys.resultMessage(jobId));
    if (!raw) return null;
    try {
      return JSON.parse(raw) as { ref: MessageRef; link?: string };
    } catch {
      return null;
    }
  }

  /** `thread` is where the answers are: the thread's id (Discord's thread channel, Slack's thread_ts). */
  async addHistory(platform: string, thread: string, entry: HistoryEntry): Promise<void> {
    const key = this.keys.threadHistory(platform, thread);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify(entry))
      .ltrim(key, -HISTORY_MAX_ENTRIES, -1)
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async history(platform: string, thread: string): Promise<HistoryEntry[]> {
    const key = this.keys.threadHistory(platform, thread);
    const raw = await this.redis.lrange(key, 0, -1);
    const out: HistoryEntry[] = [];
    for (const r of raw) {
      try {
        out.push(JSON.parse(r) as HistoryEntry);
      } catch {
        // a damaged entry is skipped, not fatal
      }
    }
    return out;
  }
}
