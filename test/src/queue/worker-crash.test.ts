import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import type { Origin } from "../../../src/core/types.js";
import { progressSchema } from "../../../src/queue/job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE } from "../../../src/queue/queue-names.js";
import { type RunningWorker, startWorker } from "../../../src/runtime/start-worker.js";
import { type RfEditProcess, startWorkerProcess } from "../../support/child-process.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { REDIS_URL, type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "u1" };

/**
 * Workers as separate processes, killed like a crashed machine. A 1 MP working size and 200 steps
 * make the job run for seconds, so the kill lands mid-job.
 */
describe("worker processes: crash recovery and the shared inversion cache", () => {
  const prefix = uniquePrefix("crash");
  const workerEnv = { REDIS_URL, KEY_PREFIX: prefix, TARGET_MEGAPIXELS: "1", DEFAULT_STEPS: "4" };
  const adapter = new RecordingAdapter("playground");
  const processes: RfEditProcess[] = [];
  let stack: Stack;
  let inProcess: RunningWorker | undefined;

  before(async () => {
    stack = await startStack({ prefix, worker: false, env: { TARGET_MEGAPIXELS: "1" } });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
  });
  after(async () => {
    for (const p of processes) await p.kill("SIGKILL");
    await inProcess?.stop();
    await stack.close();
  });

  async function progressOf(jobId: string) {
    const job = await stack.ctx.queue.queue.getJob(jobId);
    const p = progressSchema.safeParse(job?.progress);
    return p.success ? p.data : null;
  }

  it("a second worker finishes a job whose worker was killed mid-job, and it is delivered once", async () => {
    const first = await startWorkerProcess(workerEnv);
    processes.push(first);
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "make it winter",
      strength: 1,
      seed: 3,
      steps: 200,
    });
    assert.ok(out.ok);
    const jobId = out.jobId;
    const deadline = Date.now() + 30_000;
    // Killed in the edit pass: the 11-call inversion is over in well under a second, so waiting for
    // any progress made the kill land before or after the inversion's cache write by chance.
    for (;;) {
      const p = await progressOf(jobId);
      if (p?.phase === "editing" && p.step > 0) break;
      assert.ok(Date.now() < deadline, "the first worker never reported editing progress");
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.kill("SIGKILL");
    assert.equal(await stack.ctx.queue.queue.getJobState(jobId), "active", "killed mid-job");
    assert.equal(adapter.results.length, 0);

    const second = await startWorkerProcess(workerEnv);
    processes.push(second);
    await adapter.waitFor(() => adapter.results.length === 1, 60_000, "the recovered result");
    await second.waitForLog((l) => l.msg === "edit done" && l.jobId === jobId, 5_000, "the second worker");
    assert.equal(adapter.results[0].view.job.jobId, jobId);
    // The dead worker's inversion (10 midpoint steps, 11 calls) was cached before it died, so the
    // second worker runs only the 200 SDE steps.
    assert.equal(adapter.results[0].view.result.transformerCalls, 200);

    // Nothing else arrives: one ended job, one delivery.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(adapter.results.length, 1);
    const dq = new Queue(DELIVERY_QUEUE, { connection: stack.redis, prefix: bullPrefix(prefix) });
    const counts = await dq.getJobCounts("completed", "failed", "wait", "active", "delayed");
    await dq.close();
    assert.deepEqual(counts, { completed: 1, failed: 0, wait: 0, active: 0, delayed: 0 });
    const record = await stack.ctx.records.get(jobId);
    assert.equal(record?.status, "done");
  });

  it("a re-run on another worker process reuses the inversion: N transformer calls, not 2N", async () => {
    const other = processes[1];
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng(200, 150) },
      prompt: "make it spring",
      strength: 0.5,
      seed: 5,
    });
    assert.ok(out.ok);
    await adapter.waitFor(() => adapter.results.length === 2, 30_000, "the first run");
    const firstRun = adapter.results[1];
    assert.equal(
      firstRun.view.result.transformerCalls,
      9,
      "first run: N + 1 midpoint inversion + N edit calls",
    );
    // The worker logs after it hands the result on, so the log line can trail the delivery.
    await other.waitForLog(
      (l) => l.msg === "edit done" && l.jobId === out.jobId,
      10_000,
      "the child worker's edit",
    );

    // The child worker goes away gracefully (SIGTERM), and this process's own worker takes the re-run.
    await other.kill("SIGTERM");
    assert.ok(other.hasLog((l) => l.msg === "shutting down"));
    inProcess = await startWorker(stack.config, stack.redis, stack.logger);
    const rerun = await stack.ctx.service.rerunFromMessage(
      firstRun.ref,
      { kind: "stronger" },
      { platform: "playground", workspaceId: "w1", userId: "u1" },
    );
    assert.ok(rerun?.ok);
    await adapter.waitFor(() => adapter.results.length === 3, 30_000, "the re-run");
    const second = adapter.results[2].view;
    assert.equal(second.job.parentJobId, out.jobId);
    assert.equal(second.result.inversionCached, true);
    assert.equal(second.result.transformerCalls, 4);
    assert.equal(inProcess.worker.transformerCalls, 4, "the re-run ran here, not on the first worker");
  });
});
