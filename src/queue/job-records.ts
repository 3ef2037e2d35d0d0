import type { MessageRef } from "../core/types.js";
import { type EditJob, type EditResultData, editJobSchema, resultSchema } from "./job-schemas.js";
import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

export interface JobRecord {
  job: EditJob;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  result?: EditResultData;
}

/**
 * What a re-run needs, kept in Redis: the job spec by id, its outcome, and which platform messages
 * (status, result) belong to it. A reaction names only a message, so the job is found from it; this
 * survives bot restarts and expired interaction tokens.
 */
export class JobRecords {
  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    private readonly ttlSeconds: number,
  ) {}

  async save(job: EditJob): Promise<void> {
    await this.redis.set(
      this.keys.jobRecord(job.jobId),
      JSON.stringify({ job, status: "queued" } satisfies JobRecord),
      "EX",
      this.ttlSeconds,
    );
  }

  async get(jobId: string): Promise<JobRecord | null> {
    const raw = await this.redis.get(this.keys.jobRecord(jobId));
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as JobRecord;
      const job = editJobSchema.safeParse(parsed.job);
      if (!job.success) return null;
      const result = parsed.result ? resultSchema.safeParse(parsed.result) : undefined;
      return { job: job.data, status: parsed.status, result: result?.success ? result.data : undefined };
    } catch {
      return null;
    }
  }

  async update(jobId: string, patch: Partial<Omit<JobRecord, "job">> & { job?: EditJob }): Promise<void> {
    const current = await this.get(jobId);
    if (!current) return;
    const next: JobRecord = { ...current, ...patch };
    await this.redis.set(this.keys.jobRecord(jobId), JSON.stringify(next), "EX", this.ttlSeconds);
  }

  async linkMessage(ref: MessageRef, jobId: string): Promise<void> {
    await this.redis.set(
      this.keys.messageJob(ref.platform, ref.channelId, ref.messageId),
      jobId,
      "EX",
      this.ttlSeconds,
    );
  }

  async findByMessage(ref: MessageRef): Promise<JobRecord | null> {
    const jobId = await this.redis.get(this.keys.messageJob(ref.platform, ref.channelId, ref.messageId));
    return jobId ? this.get(jobId) : null;
  }
}
