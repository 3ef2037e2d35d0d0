import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import { loadFluxModel } from "../../gpu-worker/src/flux/load-flux-model.js";
import type { OnnxFluxModel } from "../../gpu-worker/src/flux/onnx-flux-model.js";
import { startOps } from "../../src/ops/start-ops.js";
import type { DeliveryJob, EditJob } from "../../src/queue/job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE } from "../../src/queue/queue-names.js";
import { type RunningWorker, startWorker } from "../../src/runtime/start-worker.js";
import { testPng } from "../support/images.js";
import { type Stack, startStack, testLogger, uniquePrefix } from "../support/stack.js";

describe("prompt embeddings are shared through Redis", () => {
  const prefix = uniquePrefix("promptcache");
  let stack: Stack;
  let deliveries: Queue;
  let imageKey: string;
  const models: OnnxFluxModel[] = [];
  const workers: RunningWorker[] = [];

  const load = async () => {
    const m = (await loadFluxModel({ executionProvider: "cpu", logger: testLogger() })) as OnnxFluxModel;
    models.push(m);
    return m;
  };

  before(async () => {
    stack = await startStack({ prefix, worker: false });
    deliveries = new Queue(DELIVERY_QUEUE, { connection: stack.redis, prefix: bullPrefix(prefix) });
    imageKey = await stack.ctx.images.put(await testPng());
  });
  after(async () => {
    for (const w of workers) await w.stop();
    for (const m of models) await m.close();
    await deliveries.close();
    await stack.close();
  });

  async function run(kind: EditJob["kind"], prompt: string, strength: number): Promise<DeliveryJob> {
    const job: EditJob = {
      v: 1,
      jobId: `j${randomBytes(6).toString("hex")}`,
      kind,
      origin: {
        platform: "playground",
        workspaceId: "w1",
        channelId: "c1",
        userId: "u1",
        statusMessageId: "s",
      },
      imageKey,
      spec: {
        prompt,
        strength,
        seed: 1,
        steps: 4,
        sampler: "ode",
        solver: "euler",
        gamma: 0.5,
        eta: 0.9,
        guidance: 3.5,
        inversionSeed: 0,
      },
      requestedAt: Date.now(),
    };
    await stack.ctx.records.save(job);
    await stack.ctx.queue.queue.add("edit", job, { jobId: job.jobId });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const d = await deliveries.getJob(job.jobId);
      // No bot consumes deliveries here: the worker's hand-over is the outcome.
      if (d) return d.data as DeliveryJob;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no delivery for ${job.jobId}`);
  }

  it("a re-run on a second worker runs no text encoder, and the metrics count the hit", async () => {
    const first = await load();
    const a = await startWorker(stack.config, stack.redis, testLogger(), first);
    workers.push(a);
    assert.equal((await run("new", "make it winter", 0.5)).status, "done");
    assert.equal(first.textEncoderRuns, 2, "the prompt and the inversion's empty prompt");
    assert.deepEqual({ hits: a.promptCache?.hits, misses: a.promptCache?.misses }, { hits: 0, misses: 2 });
    await a.stop();
    workers.pop();

    // Another worker process, with a model of its own: the same prompt comes from Redis.
    const second = await load();
    const b = await startWorker(stack.config, stack.redis, testLogger(), second);
    workers.push(b);
    const rerun = await run("rerun", "make it winter", 0.8);
    assert.equal(rerun.status, "done");
    assert.equal(rerun.result?.inversionCached, true);
    assert.equal(second.textEncoderRuns, 0, "no CLIP or T5 run on the second worker");
    assert.equal(b.promptCache?.hits, 1);

    // A chained edit with a new prompt does run them, once; the same prompt again does not.
    assert.equal((await run("chain", "make it night", 0.5)).status, "done");
    const afterChain = second.textEncoderRuns;
    assert.ok(afterChain >= 1);
    assert.equal((await run("rerun", "make it night", 0.3)).status, "done");
    assert.equal(second.textEncoderRuns, afterChain);

    const ops = await startOps(stack.config, stack.redis, testLogger(), { port: 0, host: "127.0.0.1" });
    try {
      ops.watchWorker(b);
      const text = await (await fetch(`http://127.0.0.1:${ops.port}/metrics`)).text();
      assert.match(text, /rf_edit_prompt_cache_lookups_total\{result="hit"\} [1-9]/);
      assert.match(text, /rf_edit_prompt_cache_lookups_total\{result="miss"\} [1-9]/);
      assert.match(text, /rf_edit_execution_provider\{part="transformer",provider="cpu"\} 1/);
      assert.match(text, /rf_edit_execution_provider\{part="text_encoder_2",provider="cpu"\} 1/);
      assert.match(text, /rf_edit_execution_provider_fallback 0/);
      const ready = (await (await fetch(`http://127.0.0.1:${ops.port}/readyz`)).json()) as {
        executionProvider: { transformer: string; fallback: unknown };
      };
      assert.equal(ready.executionProvider.transformer, "cpu");
      assert.equal(ready.executionProvider.fallback, null, "cpu was asked for: no fallback");
    } finally {
      await ops.stop();
    }
  });

  it("keeps each prompt under its TTL and its model's id", async () => {
    const keys = await stack.redis.keys(`${prefix}:prompt:*`);
    assert.ok(keys.length >= 3);
    for (const k of keys) {
      assert.ok(k.includes(models[0].info.id), k);
      const ttl = await stack.redis.ttl(k);
      assert.ok(ttl > 0 && ttl <= stack.config.model.promptCacheTtlSeconds, `${k} ttl ${ttl}`);
    }
  });
});
