import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import type { Origin } from "../../../src/core/types.js";
import { DeliveryQueue } from "../../../src/queue/delivery-queue.js";
import type { DeliveryJob } from "../../../src/queue/job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE } from "../../../src/queue/queue-names.js";
import { BotContext } from "../../../src/runtime/bot-context.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "u1" };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a result that finishes while the bot is down is delivered exactly once", () => {
  const prefix = uniquePrefix("botrestart");
  let stack: Stack;
  let deliveries: Queue;
  const contexts: BotContext[] = [];

  before(async () => {
    stack = await startStack({ prefix });
    deliveries = new Queue(DELIVERY_QUEUE, { connection: stack.redis, prefix: bullPrefix(prefix) });
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await deliveries.close();
    await stack.close();
  });

  async function restartBot(adapter: RecordingAdapter): Promise<BotContext> {
    const ctx = new BotContext(stack.config, stack.redis, stack.logger);
    contexts.push(ctx);
    ctx.register(adapter);
    await ctx.startDeliveries();
    return ctx;
  }

  it("waits in the queue while the bot is down and is posted once when it is back", async () => {
    const before = new RecordingAdapter("playground");
    stack.ctx.register(before);
    await stack.ctx.startDeliveries();
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "make it winter",
      steps: 100,
    });
    assert.ok(out.ok);
    // The bot goes down before the worker is done.
    await stack.ctx.close();
    await until(async () => (await deliveries.getWaitingCount()) === 1, "the delivery to be queued");
    assert.equal(before.results.length, 0, "nothing is posted while the bot is down");

    const after = new RecordingAdapter("playground");
    await restartBot(after);
    await after.waitFor(() => after.results.length === 1, 15_000, "the delivery after the restart");
    assert.equal(after.results[0].view.job.jobId, out.jobId);
    const texts = () => after.statuses.filter((s) => s.view.jobId === out.jobId).map((s) => s.view.text);
    await after.waitFor(() => texts().some((t) => /Done in/.test(t)), 5_000, "the done status");
    await until(async () => (await deliveries.getCompletedCount()) === 1, "the delivery to complete");
  });

  it("does not post twice when the same delivery is added again or the consumer runs again", async () => {
    const adapter = new RecordingAdapter("playground");
    const ctx = await restartBot(adapter);
    const [done] = await deliveries.getCompleted();
    const delivery = done.data as DeliveryJob;

    // The worker retrying its add: same delivery id, so BullMQ keeps the one job it has.
    const producer = new DeliveryQueue(stack.redis, prefix);
    await producer.add(delivery);
    await producer.close();
    // A copy under another queue id: the idempotency record stops it.
    const copy = await deliveries.add("delivery", delivery, { jobId: `${delivery.deliveryId}-copy` });
    await until(async () => (await copy.getState()) === "completed", "the copy to be consumed");
    assert.equal((await deliveries.getJob(copy.id as string))?.returnvalue, "duplicate");

    // And a third bot start finds nothing left to post.
    await ctx.close();
    const again = new RecordingAdapter("playground");
    await restartBot(again);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(adapter.results.length, 0);
    assert.equal(again.results.length, 0);
    assert.equal(await deliveries.getCompletedCount(), 2);
    assert.equal(await deliveries.getWaitingCount(), 0);
  });
});
