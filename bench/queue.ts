/**
 * The queue loop's own cost: `npx tsx bench/queue.ts`.
 * Bot core, BullMQ edit queue, GPU worker and delivery consumer on the real Redis (REDIS_URL, default
 * 127.0.0.1:6379, under a throw-away key prefix), with a model that costs nothing, so what is measured
 * is enqueue -> worker -> delivery. Prints throughput, enqueue-to-delivery latency (and that latency
 * less the worker's own edit time), Redis memory per queued job, and a re-run's transformer calls
 * against a first run's. Targets: overhead p99 under 50 ms per job on loopback; a re-run costs
 * exactly N transformer calls (the inversion is reused).
 */

import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import sharp from "sharp";
import { parseConfig } from "../config/index.js";
import type { PlatformAdapter, ResultView, StatusView } from "../src/core/platform-adapter.js";
import type { MessageRef, Origin } from "../src/core/types.js";
import { createLogger } from "../src/logger.js";
import { createRedis, type RedisLike } from "../src/queue/redis-connection.js";
import { BotContext } from "../src/runtime/bot-context.js";
import { type RunningWorker, startWorker } from "../src/runtime/start-worker.js";
import { ZeroCostFluxModel } from "./zero-cost-flux-model.js";

const SIDE = 256; // 0.0625 MP: the working size equals the upload, so no resize work hides in the numbers
const STEPS = 28;

/** Counts results and remembers when each arrived. */
class BenchAdapter implements PlatformAdapter {
  readonly platform = "playground" as const;
  readonly delivered: { view: ResultView; at: number }[] = [];
  private waiters: (() => void)[] = [];
  private next = 1;
  async postStatus(_o: Origin, _v: StatusView) {
    return { statusMessageId: `s${this.next++}`, threadId: `t${this.next++}` };
  }
  async updateStatus() {}
  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    this.delivered.push({ view, at: Date.now() });
    for (const w of this.waiters.splice(0)) w();
    return {
      platform: "playground",
      channelId: origin.threadId ?? origin.channelId,
      messageId: `r${this.next++}`,
    };
  }
  async waitForCount(n: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.delivered.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.delivered.length} of ${n} results arrived`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function cleanPrefix(redis: RedisLike, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await (redis as Redis).scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  }
}

async function usedMemory(redis: RedisLike): Promise<number> {
  const info = await (redis as Redis).info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

async function main(): Promise<void> {
  const prefix = `rf-bench-queue-${randomBytes(4).toString("hex")}`;
  const config = parseConfig({
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    KEY_PREFIX: prefix,
    LOG_LEVEL: "silent",
    TARGET_MEGAPIXELS: "0.0625",
    DEFAULT_STEPS: String(STEPS),
    DEFAULT_STRENGTH: "0.5",
    RATE_LIMIT_PER_MINUTE: "10000",
    RATE_LIMIT_BURST: "10000",
    MAX_QUEUED_PER_USER: "1000",
    MAX_QUEUE_LENGTH: "100000",
    STATUS_UPDATE_MS: "100",
  });
  const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });
  const redis = createRedis(config.redisUrl, logger, "bench");
  const model = new ZeroCostFluxModel(SIDE, SIDE);
  const adapter = new BenchAdapter();
  const ctx = new BotContext(config, redis, logger);
  ctx.register(adapter);
  await ctx.startDeliveries();
  let worker: RunningWorker | undefined = await startWorker(config, redis, logger, model);

  const png = await sharp({
    create: { width: SIDE, height: SIDE, channels: 3, background: { r: 40, g: 110, b: 165 } },
  })
    .png()
    .toBuffer();
  const origin = (i: number): Origin => ({
    platform: "playground",
    workspaceId: "bench",
    channelId: "c1",
    userId: `u${i % 50}`,
  });
  const submit = async (i: number, seed = i) => {
    const out = await ctx.service.submit({
      origin: origin(i),
      image: { kind: "bytes", bytes: png },
      prompt: "bench",
      seed,
    });
    if (!out.ok) throw new Error(out.error.userMessage);
    return out.jobId;
  };

  const rows: [string, string][] = [];
  try {
    // Warm-up: first-run costs (script loading, JIT, the inversion cache) are not the queue's.
    for (let i = 0; i < 5; i++) await submit(i, 1);
    await adapter.waitForCount(5);

    // 1. Latency, one job at a time: enqueue (job written, added to BullMQ) to the result posted.
    const sequential = 60;
    const base = adapter.delivered.length;
    for (let i = 0; i < sequential; i++) {
      await submit(100 + i, 1);
      await adapter.waitForCount(base + i + 1);
    }
    const seq = adapter.delivered.slice(base);
    const total = seq.map((d) => d.at - d.view.job.requestedAt).sort((a, b) => a - b);
    const overhead = seq
      .map((d) => d.at - d.view.job.requestedAt - d.view.result.totalMs)
      .sort((a, b) => a - b);
    const workMs = seq.map((d) => d.view.result.totalMs).sort((a, b) => a - b);

    // 2. Throughput: a burst of jobs, first submit to last delivery, the whole loop.
    const burst = 200;
    const before = adapter.delivered.length;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: burst }, (_, i) => submit(1000 + i, 1)));
    await adapter.waitForCount(before + burst, 120_000);
    const burstSeconds = (Date.now() - t0) / 1000;

    // 3. Re-run against a first run (a new image, so the first run really inverts).
    const fresh = await sharp({
      create: { width: SIDE, height: SIDE, channels: 3, background: { r: 200, g: 60, b: 30 } },
    })
      .png()
      .toBuffer();
    const firstOut = await ctx.service.submit({
      origin: origin(0),
      image: { kind: "bytes", bytes: fresh },
      prompt: "bench",
      seed: 5,
    });
    if (!firstOut.ok) throw new Error(firstOut.error.userMessage);
    const n0 = adapter.delivered.length;
    await adapter.waitForCount(n0 + 1);
    const first = adapter.delivered[n0].view;
    const rerunOut = await ctx.service.rerunJob(
      firstOut.jobId,
      { kind: "stronger" },
      {
        platform: "playground",
        workspaceId: "bench",
        userId: "u0",
      },
    );
    if (!rerunOut.ok) throw new Error(rerunOut.error.userMessage);
    await adapter.waitForCount(n0 + 2);
    const rerun = adapter.delivered[n0 + 1].view;

    // 4. Memory per queued job: no worker, so jobs stay in the queue (the image is stored once).
    await worker.stop();
    worker = undefined;
    const queued = 500;
    const memBefore = await usedMemory(redis);
    for (let i = 0; i < queued; i++) await submit(5000 + i, 1);
    const memAfter = await usedMemory(redis);
    let jobKeyBytes = 0;
    for (const pattern of [`{${prefix}}:edit:*`, `${prefix}:job:*`, `${prefix}:msg:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await (redis as Redis).scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        for (const k of keys) jobKeyBytes += Number((await (redis as Redis).memory("USAGE", k)) ?? 0);
      } while (cursor !== "0");
    }
    const waiting = (await ctx.queue.counts()).waiting;

    rows.push(
      ["model", `zero-cost, ${SIDE}x${SIDE}, ${STEPS} steps, Redis ${config.redisUrl}`],
      ["throughput (burst of 200, whole loop)", `${(burst / burstSeconds).toFixed(1)} jobs/s`],
      ["enqueue -> delivery p50 / p99", `${percentile(total, 50)} / ${percentile(total, 99)} ms`],
      ["  of which worker edit time p50 / p99", `${percentile(workMs, 50)} / ${percentile(workMs, 99)} ms`],
      [
        "  queue + delivery overhead p50 / p99",
        `${percentile(overhead, 50)} / ${percentile(overhead, 99)} ms (target p99 < 50 ms: ${percentile(overhead, 99) < 50 ? "met" : "NOT met"})`,
      ],
      [
        `Redis memory per queued job (${waiting} waiting)`,
        `${((memAfter - memBefore) / queued / 1024).toFixed(2)} KiB (INFO used_memory); ${(jobKeyBytes / waiting / 1024).toFixed(2)} KiB in job keys (MEMORY USAGE)`,
      ],
      ["first run transformer calls", `${first.result.transformerCalls} (N = ${STEPS} steps)`],
      [
        "re-run transformer calls",
        `${rerun.result.transformerCalls} (inversion reused: ${rerun.result.inversionCached}; target exactly N: ${rerun.result.transformerCalls === STEPS ? "met" : "NOT met"})`,
      ],
    );
  } finally {
    await worker?.stop();
    await ctx.close();
    await cleanPrefix(redis, prefix);
    redis.disconnect();
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\nrf-edit queue benchmark\n${"-".repeat(width + 40)}\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  process.stdout.write("\n");
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench/queue failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
