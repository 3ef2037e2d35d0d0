import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Actor, Origin } from "../../../src/core/types.js";
import { progressSchema } from "../../../src/queue/job-schemas.js";
import { type RunningWorker, startWorker } from "../../../src/runtime/start-worker.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "u1" };
const ann: Actor = { platform: "playground", workspaceId: "w1", userId: "u1", userName: "ann" };

describe("cancelling an edit, queued or running", () => {
  let stack: Stack;
  let worker: RunningWorker | undefined;
  const adapter = new RecordingAdapter("playground");

  before(async () => {
    // A 1 MP working size makes a 200-step job run for seconds: long enough to cancel mid-way.
    stack = await startStack({
      prefix: uniquePrefix("cancel"),
      worker: false,
      env: { TARGET_MEGAPIXELS: "1" },
    });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
  });
  after(async () => {
    await worker?.stop();
    await stack.close();
  });

  const submit = async (steps: number) => {
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "make it winter",
      strength: 1,
      steps,
    });
    assert.ok(out.ok);
    const record = await stack.ctx.records.get(out.jobId);
    return { jobId: out.jobId, statusId: record?.job.origin.statusMessageId as string };
  };

  it("removes a queued job: no worker ever sees it, the status says cancelled, no result", async () => {
    const { jobId, statusId } = await submit(4);
    assert.equal(await stack.ctx.queue.position(jobId), 1);
    const r = await stack.ctx.service.cancel(jobId, ann);
    assert.deepEqual(r, { ok: true, message: "Cancelled before it started." });
    assert.equal(await stack.ctx.queue.queue.getJob(jobId), undefined, "the job is gone from the queue");
    assert.equal((await stack.ctx.records.get(jobId))?.status, "cancelled");
    assert.equal(adapter.textsFor(statusId).at(-1), "✖️ Cancelled by ann.");
    assert.deepEqual(await stack.ctx.service.openJobsOf(ann), []);

    // A worker that starts now finds nothing to do, and a second cancel says it is over.
    worker = await startWorker(stack.config, stack.redis, stack.logger);
    const again = await stack.ctx.service.cancel(jobId, ann);
    assert.equal(again.ok, false);
    assert.match(again.message, /already cancelled/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(adapter.results.length, 0);
  });

  it("stops a running job at its next step, says so, and the worker takes the next job", async () => {
    const { jobId, statusId } = await submit(200);
    const deadline = Date.now() + 20_000;
    while (true) {
      const job = await stack.ctx.queue.queue.getJob(jobId);
      const p = progressSchema.safeParse(job?.progress);
      if (p.success && p.data.step > 0) break;
      assert.ok(Date.now() < deadline, "the job never started");
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await stack.ctx.service.cancel(jobId, ann);
    assert.deepEqual(r, { ok: true, message: "Cancelling: the worker stops at its next step." });
    await adapter.waitFor(
      () => adapter.textsFor(statusId).includes("✖️ Cancelled."),
      10_000,
      "the cancelled status",
    );
    const job = await stack.ctx.queue.queue.getJob(jobId);
    assert.deepEqual(job?.returnvalue, { status: "cancelled" });
    assert.equal((await stack.ctx.records.get(jobId))?.status, "cancelled");
    assert.equal(worker?.worker.transformerCalls, 0, "the cancelled job ran no full edit");
    // No late progress update overwrites the final word.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(adapter.textsFor(statusId).at(-1), "✖️ Cancelled.");

    const next = await submit(4);
    await adapter.waitFor(() => adapter.results.length === 1, 20_000, "the next job's result");
    assert.equal(adapter.results[0].view.job.jobId, next.jobId);
  });
});
