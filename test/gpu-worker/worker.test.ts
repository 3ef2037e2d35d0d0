import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Queue, QueueEvents } from "bullmq";
import { loadFluxModel } from "../../gpu-worker/src/flux/load-flux-model.js";
import { WORKER_FAILED } from "../../src/core/messages.js";
import { CancelBus } from "../../src/queue/cancel-bus.js";
import {
  type DeliveryJob,
  type EditJob,
  type EditSpec,
  progressSchema,
} from "../../src/queue/job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE, EDIT_QUEUE } from "../../src/queue/queue-names.js";
import { duplicateRedis } from "../../src/queue/redis-connection.js";
import { FlakyFluxModel } from "../support/flaky-flux-model.js";
import { testPng } from "../support/images.js";
import { RecordingAdapter } from "../support/recording-adapter.js";
import { type Stack, startStack, testLogger, uniquePrefix } from "../support/stack.js";

describe("EditWorker (BullMQ consumer of edit jobs)", () => {
  const prefix = uniquePrefix("editworker");
  const adapter = new RecordingAdapter("playground");
  let model: FlakyFluxModel;
  let stack: Stack;
  let deliveries: Queue;
  let imageKey: string;

  before(async () => {
    model = new FlakyFluxModel(await loadFluxModel({ executionProvider: "cpu", logger: testLogger() }));
    stack = await startStack({ prefix, model });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
    deliveries = new Queue(DELIVERY_QUEUE, { connection: stack.redis, prefix: bullPrefix(prefix) });
    imageKey = await stack.ctx.images.put(await testPng());
  });
  after(async () => {
    await deliveries.close();
    await stack.close();
    await model.close();
  });

  /** A job as the bot would write it, added straight to the queue. */
  async function enqueue(
    over: Partial<Omit<EditJob, "spec">> & { spec?: Partial<EditSpec> } = {},
    attempts?: number,
  ): Promise<EditJob> {
    const { spec, ...rest } = over;
    const job: EditJob = {
      v: 1,
      jobId: `j${randomBytes(6).toString("hex")}`,
      kind: "new",
      origin: {
        platform: "playground",
        workspaceId: "w1",
        channelId: "c1",
        userId: "u1",
        statusMessageId: "status-x",
      },
      imageKey,
      spec: {
        prompt: "make it winter",
        strength: 0.5,
        seed: 1,
        steps: 4,
        sampler: "sde",
        solver: "euler",
        gamma: 0.5,
        eta: 0.9,
        guidance: 3.5,
        inversionSeed: 0,
        ...spec,
      },
      requestedAt: Date.now(),
      ...rest,
    };
    await stack.ctx.records.save(job);
    await stack.ctx.queue.queue.add("edit", job, { jobId: job.jobId, ...(attempts ? { attempts } : {}) });
    return job;
  }

  async function deliveryOf(jobId: string, timeoutMs = 20_000): Promise<DeliveryJob> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const d = await deliveries.getJob(jobId);
      if (d && (await d.getState()) === "completed") return d.data as DeliveryJob;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no delivery for ${jobId}`);
  }

  it("retries a transient fault and delivers the result once", async () => {
    model.failures = 1;
    const job = await enqueue();
    const delivery = await deliveryOf(job.jobId);
    assert.equal(delivery.status, "done");
    assert.equal(delivery.result?.transformerCalls, 8);
    const edit = await stack.ctx.queue.queue.getJob(job.jobId);
    assert.equal(edit?.attemptsMade, 2, "one failed attempt, then the one that worked");
    assert.equal(adapter.results.filter((r) => r.view.job.jobId === job.jobId).length, 1);
  });

  it("tells the thread in plain words when the last attempt fails", async () => {
    model.failures = 1_000;
    const job = await enqueue({}, 1);
    const delivery = await deliveryOf(job.jobId);
    model.failures = 0;
    assert.equal(delivery.status, "failed");
    assert.deepEqual(delivery.error, { code: "worker_failed", userMessage: WORKER_FAILED });
    await adapter.waitFor(() => adapter.lastText() === `⚠️ ${WORKER_FAILED}`, 5_000, "the failure status");
    assert.equal((await stack.ctx.records.get(job.jobId))?.status, "failed");
    assert.doesNotMatch(JSON.stringify(delivery), /CUDA/, "internal errors stay in the logs");
  });

  it("fails at once, without retries, when the image has expired", async () => {
    const job = await enqueue({ imageKey: "0".repeat(64) });
    const delivery = await deliveryOf(job.jobId);
    assert.equal(delivery.status, "failed");
    assert.equal(delivery.error?.code, "bad_input");
    assert.match(delivery.error?.userMessage ?? "", /expired from storage/);
    assert.equal((await stack.ctx.queue.queue.getJob(job.jobId))?.attemptsMade, 1);
  });

  it("does not start a job that was cancelled before a worker took it", async () => {
    const calls = model.calls;
    const jobId = `j${randomBytes(6).toString("hex")}`;
    await new CancelBus(stack.redis, stack.ctx.keys).cancel(jobId);
    await enqueue({ jobId });
    const delivery = await deliveryOf(jobId);
    assert.equal(delivery.status, "cancelled");
    assert.equal(model.calls, calls, "no transformer call was spent on it");
  });

  it("reports each phase's last step as progress, for the status message", async () => {
    const connection = duplicateRedis(stack.redis);
    const events = new QueueEvents(EDIT_QUEUE, {
      connection,
      prefix: bullPrefix(prefix),
    });
    await events.waitUntilReady();
    const seen: string[] = [];
    let jobId = "";
    events.on("progress", ({ jobId: id, data }) => {
      const p = progressSchema.safeParse(data);
      if (id === jobId && p.success && p.data.step === p.data.total) seen.push(p.data.phase);
    });
    try {
      jobId = `j${randomBytes(6).toString("hex")}`;
      // Another inversion seed: the inversion cache has none for it, so every phase runs.
      await enqueue({ jobId, spec: { inversionSeed: 99 } });
      assert.equal((await deliveryOf(jobId)).status, "done");
      const deadline = Date.now() + 5_000;
      while (!seen.includes("finishing") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        seen.filter((p) => p !== "preparing"),
        ["inverting", "editing", "finishing"],
      );
    } finally {
      await events.close();
      connection.disconnect();
    }
  });
});
