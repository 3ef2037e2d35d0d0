import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import type { Origin } from "../../../src/core/types.js";
import { bullPrefix, DELIVERY_QUEUE } from "../../../src/queue/queue-names.js";
import { testPng } from "../../support/images.js";
import { type CapturedLine, captureLogger } from "../../support/log-capture.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "u1" };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("corrupt payloads are rejected with a reason, and nothing crashes", () => {
  const prefix = uniquePrefix("corrupt");
  const adapter = new RecordingAdapter("playground");
  let stack: Stack;
  let lines: CapturedLine[];
  let deliveries: Queue;

  before(async () => {
    const captured = captureLogger("info");
    lines = captured.lines;
    stack = await startStack({ prefix, logger: captured.logger });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
    deliveries = new Queue(DELIVERY_QUEUE, { connection: stack.redis, prefix: bullPrefix(prefix) });
  });
  after(async () => {
    await deliveries.close();
    await stack.close();
  });

  it("fails garbage edit jobs at once (no retries), logging why", async () => {
    const edits = stack.ctx.queue.queue;
    const garbage = [
      await edits.add("edit", { hello: "world" }, { jobId: "garbage-object" }),
      await edits.add("edit", "just a string" as unknown as object, { jobId: "garbage-string" }),
      await edits.add("edit", { v: 2, jobId: "x" }, { jobId: "garbage-version" }),
    ];
    for (const job of garbage) {
      await until(async () => (await edits.getJobState(job.id as string)) === "failed", `${job.id} to fail`);
      const failed = await edits.getJob(job.id as string);
      assert.match(failed?.failedReason ?? "", /^malformed edit job: /);
      assert.equal(failed?.attemptsMade, 1, "a malformed job is not retried");
    }
    const rejected = lines.filter((l) => l.msg === "rejected a malformed edit job");
    assert.deepEqual(rejected.map((l) => l.jobId).sort(), [
      "garbage-object",
      "garbage-string",
      "garbage-version",
    ]);
    const versionLine = rejected.find((l) => l.jobId === "garbage-version");
    assert.match(String(versionLine?.reason), /^v: /, "the reason names the bad field");
    assert.equal(adapter.results.length, 0);
    assert.equal(adapter.statuses.length, 0, "no one is told about a job nobody asked for");
  });

  it("rejects a garbage delivery without posting or retrying it", async () => {
    const job = await deliveries.add(
      "delivery",
      { deliveryId: 42, status: "exploded" },
      { jobId: "bad-delivery" },
    );
    await until(async () => (await job.getState()) === "failed", "the bad delivery to fail");
    const failed = await deliveries.getJob("bad-delivery");
    assert.match(failed?.failedReason ?? "", /^malformed delivery: /);
    assert.equal(failed?.attemptsMade, 1);
    const line = lines.find((l) => l.msg === "rejected a malformed delivery");
    assert.equal(line?.deliveryId, "bad-delivery");
    assert.match(String(line?.reason), /deliveryId/);
    assert.ok(!lines.some((l) => l.msg === "delivery failed; will retry"), "it is not called a retry");
    assert.equal(adapter.results.length, 0);
  });

  it("the next valid edit still goes through", async () => {
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "make it winter",
    });
    assert.ok(out.ok);
    await adapter.waitFor(() => adapter.results.length === 1, 20_000, "the valid result");
    assert.equal(adapter.results[0].view.job.jobId, out.jobId);
    assert.ok(stack.worker?.worker.worker.isRunning());
    assert.ok(stack.ctx.deliveriesRunning());
  });
});
