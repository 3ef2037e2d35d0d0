import type { Job, Worker } from "bullmq";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ConnectionWatch } from "../queue/connection-watch.js";
import { failureNotice } from "../queue/failure-notice.js";
import type { DeliveryJob } from "../queue/job-schemas.js";
import { resultSchema } from "../queue/job-schemas.js";

/** What the queue-depth gauge asks on every scrape (BullMQ counts; cheap). */
export type QueueCounter = () => Promise<Record<string, number>>;

/** Cache counters the worker keeps in memory (RedisInversionCache). */
export interface CacheCounters {
  hits: number;
  misses: number;
}

/** A scrape must answer while Redis is away: queue counts slower than this keep their last values. */
const COUNT_TIMEOUT_MS = 1000;

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
// Around the counts the defaults give: 11 and 22 (ODE, midpoint), 28 and 39 (SDE), 56 (all Euler).
const CALL_BUCKETS = [4, 8, 11, 12, 16, 22, 24, 28, 32, 39, 40, 48, 56, 64, 100, 200, 400];
const STEP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

/**
 * rf-edit's Prometheus metrics, on a registry of their own (not prom-client's global one), so a
 * process that runs bot and worker exposes one set and tests can make as many as they like.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  private readonly queueCounters: { queue: string; count: QueueCounter }[] = [];
  private readonly caches: CacheCounters[] = [];
  private cacheSeen = { hits: 0, misses: 0 };
  private readonly redisWatches: ConnectionWatch[] = [];
  private failoversSeen = 0;

  readonly queueDepth = new Gauge({
    name: "rf_edit_queue_jobs",
    help: "Jobs in each queue by state, read from BullMQ at scrape time.",
    labelNames: ["queue", "state"],
    registers: [this.registry],
    collect: async () => {
      // Last known values stay while Redis does not answer; rf_edit_redis_up says they are stale.
      await Promise.all(
        this.queueCounters.map(async ({ queue, count }) => {
          const counts = await within(COUNT_TIMEOUT_MS, count()).catch(() => null);
          if (!counts) return;
          for (const [state, n] of Object.entries(counts)) this.queueDepth.set({ queue, state }, n);
        }),
      );
    },
  });

  readonly redisUp = new Gauge({
    name: "rf_edit_redis_up",
    help: "1 while this process's Redis connection is up, 0 during an outage or failover (queue gauges then show last known values).",
    registers: [this.registry],
    collect: () => {
      if (this.redisWatches.length > 0) this.redisUp.set(this.redisWatches.every((w) => w.up) ? 1 : 0);
    },
  });

  readonly redisFailovers = new Counter({
    name: "rf_edit_redis_failovers_total",
    help: "Redis failovers this process has seen (its connection moved to a new master).",
    registers: [this.registry],
    collect: () => {
      const seen = this.redisWatches.reduce((n, w) => Math.max(n, w.failovers), 0);
      if (seen > this.failoversSeen) this.redisFailovers.inc(seen - this.failoversSeen);
      this.failoversSeen = seen;
    },
  });

  readonly failoverRefusals = new Counter({
    name: "rf_edit_requests_refused_by_failover_total",
    help: "Requests answered 'busy, try again in a moment' because Redis was failing over or unreachable, by platform.",
    labelNames: ["platform"],
    registers: [this.registry],
  });

  readonly waitSeconds = new Histogram({
    name: "rf_edit_queue_wait_seconds",
    help: "Time an edit job waited in the queue before a worker started it.",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly jobSeconds = new Histogram({
    name: "rf_edit_job_seconds",
    help: "Time a worker spent on one edit, end to end.",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly phaseSeconds = new Histogram({
    name: "rf_edit_job_phase_seconds",
    help: "Time per pipeline phase of one edit (decode, textEncode, vaeEncode, invert, edit, vaeDecode, encodePng...).",
    labelNames: ["phase"],
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly transformerStepSeconds = new Histogram({
    name: "rf_edit_transformer_step_seconds",
    help: "Mean transformer time per call (inversion and editing steps) of one edit.",
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });

  readonly transformerCalls = new Histogram({
    name: "rf_edit_transformer_calls",
    help: "Transformer calls of one edit (the speed of an edit on a GPU), by solver (the inversion's, and the ODE edit's) and whether the inversion was reused.",
    labelNames: ["solver", "inversion"],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });

  readonly jobsTotal = new Counter({
    name: "rf_edit_jobs_total",
    help: "Edit jobs a worker finished, by outcome (done, cancelled, failed).",
    labelNames: ["outcome"],
    registers: [this.registry],
  });

  readonly failuresTotal = new Counter({
    name: "rf_edit_failures_total",
    help: "Failed edit attempts by reason (bad_input: not retried; worker_failed: retries used up; retrying).",
    labelNames: ["reason"],
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: "rf_edit_inversion_cache_lookups_total",
    help: "Inversion cache lookups by result (hit: the inversion was reused).",
    labelNames: ["result"],
    registers: [this.registry],
    collect: () => {
      const hits = this.caches.reduce((s, c) => s + c.hits, 0);
      const misses = this.caches.reduce((s, c) => s + c.misses, 0);
      if (hits > this.cacheSeen.hits) this.cacheLookups.inc({ result: "hit" }, hits - this.cacheSeen.hits);
      if (misses > this.cacheSeen.misses)
        this.cacheLookups.inc({ result: "miss" }, misses - this.cacheSeen.misses);
      this.cacheSeen = { hits, misses };
    },
  });

  readonly deliveriesTotal = new Counter({
    name: "rf_edit_deliveries_total",
    help: "Results, failures and cancels the bot handed to a platform, by platform, status and outcome.",
    labelNames: ["platform", "status", "outcome"],
    registers: [this.registry],
  });

  readonly refusalsTotal = new Counter({
    name: "rf_edit_requests_refused_total",
    help: "Requests the bot answered with a refusal instead of queueing (rate_limited, queue_full, not_an_image...), by reason and platform.",
    labelNames: ["reason", "platform"],
    registers: [this.registry],
  });

  constructor() {
    // Both series exist from the start, so a rate() over them works before the first lookup.
    this.cacheLookups.inc({ result: "hit" }, 0);
    this.cacheLookups.inc({ result: "miss" }, 0);
    this.redisFailovers.inc(0);
  }

  /** Follows a Redis connection for rf_edit_redis_up and rf_edit_redis_failovers_total. */
  watchRedis(watch: ConnectionWatch): void {
    this.redisWatches.push(watch);
  }

  addQueue(queue: string, count: QueueCounter): void {
    this.queueCounters.push({ queue, count });
  }

  /** Follows a BullMQ edit worker: timings from each job's result, failures by reason. */
  observeEditWorker(worker: Worker, cache?: CacheCounters): void {
    if (cache) this.caches.push(cache);
    worker.on("completed", (job: Job, value: unknown) => this.jobCompleted(job, value));
    worker.on("failed", (job: Job | undefined, err: Error) => this.jobFailed(job, err));
  }

  jobCompleted(job: Pick<Job, "timestamp" | "processedOn">, value: unknown): void {
    if (job.processedOn && job.timestamp)
      this.waitSeconds.observe(Math.max(0, job.processedOn - job.timestamp) / 1000);
    const status = (value as { status?: string } | undefined)?.status ?? "done";
    this.jobsTotal.inc({ outcome: status });
    const parsed = resultSchema.safeParse((value as { result?: unknown } | undefined)?.result);
    if (!parsed.success) return;
    const r = parsed.data;
    this.jobSeconds.observe(r.totalMs / 1000);
    for (const [phase, ms] of Object.entries(r.timingsMs)) this.phaseSeconds.observe({ phase }, ms / 1000);
    const transformerMs = (r.timingsMs.invert ?? 0) + (r.timingsMs.edit ?? 0);
    if (r.transformerCalls > 0)
      this.transformerStepSeconds.observe(transformerMs / r.transformerCalls / 1000);
    this.transformerCalls.observe(
      { solver: r.solver ?? "euler", inversion: r.inversionCached ? "reused" : "computed" },
      r.transformerCalls,
    );
  }

  jobFailed(job: Pick<Job, "attemptsMade" | "opts"> | undefined, err: Error): void {
    const unrecoverable = err.name === "UnrecoverableError";
    const final = unrecoverable || (job ? job.attemptsMade >= (job.opts.attempts ?? 1) : true);
    // BullMQ fails a job whose worker kept vanishing with an UnrecoverableError too: that is ours.
    const reason = final ? failureNotice(err).code : "retrying";
    this.failuresTotal.inc({ reason });
    if (final) this.jobsTotal.inc({ outcome: "failed" });
  }

  requestRefused(reason: string, platform: string): void {
    this.refusalsTotal.inc({ reason, platform });
    if (reason === "redis_failover") this.failoverRefusals.inc({ platform });
  }

  deliveryHandled(delivery: DeliveryJob, outcome: "delivered" | "error"): void {
    this.deliveriesTotal.inc({ platform: delivery.job.origin.platform, status: delivery.status, outcome });
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
