import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Worker } from "bullmq";
import { CANCELLED_WORKER_GONE } from "../../../src/core/messages.js";
import type { Actor, Origin } from "../../../src/core/types.js";
import { bullPrefix, EDIT_QUEUE } from "../../../src/queue/queue-names.js";
import { duplicateRedis } from "../../../src/queue/redis-connection.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "ann" };
const ann: Actor = { platform: "playground", workspaceId: "w1", userId: "ann", userName: "ann" };

describe("cancel really cancels", () => {
  let stack: Stack;
  const adapter = new RecordingAdapter("playground");

  before(async () => {
    stack = await startStack({ prefix: uniquePrefix("cancel-orphan"), worker: false });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
  });
  after(async () => {
    await stack.close();
  });

  it("removes a running job whose worker died (its lock lapsed), frees the slot and says so", async () => {
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng(64, 48) },
      prompt: "snow",
    });
    assert.ok(out.ok);
    const statusId = (await stack.ctx.records.get(out.jobId))?.job.origin.statusMessageId as string;
    // A worker takes the job with a short lock, then vanishes without a word (as a killed one does).
    const connection = duplicateRedis(stack.redis);
    const doomed = new Worker(EDIT_QUEUE, null, {
      connection,
      prefix: bullPrefix(stack.config.keyPrefix),
      lockDuration: 300,
    });
    const job = await doomed.getNextJob("doomed-token");
    assert.equal(job?.id, out.jobId);
    await doomed.close(true);
    connection.disconnect();
    await stack.ctx.records.update(out.jobId, { status: "running" });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await stack.ctx.queue.queue.getJobState(out.jobId), "active");

    assert.deepEqual(await stack.ctx.service.cancel(out.jobId, ann), {
      ok: true,
      message: CANCELLED_WORKER_GONE,
    });
    assert.equal(await stack.ctx.queue.queue.getJobState(out.jobId), "unknown");
    assert.equal((await stack.ctx.records.get(out.jobId))?.status, "cancelled");
    assert.equal(adapter.textsFor(statusId).at(-1), "✖️ Cancelled by ann.");
    assert.deepEqual(await stack.ctx.service.openJobsOf(ann), []);
  });
});
