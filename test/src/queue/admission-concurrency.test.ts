import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Origin } from "../../../src/core/types.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin = (userId: string): Origin => ({
  platform: "playground",
  workspaceId: "w1",
  channelId: "c1",
  userId,
  userName: userId,
});

/** A bot with no worker, so everything it admits stays queued. */
async function idleBot(name: string, env: Record<string, string>) {
  // Admission is under test, not the intake's own bound (INTAKE_QUEUE): room for every request.
  const stack = await startStack({
    prefix: uniquePrefix(name),
    worker: false,
    env: { INTAKE_CONCURRENCY: "8", INTAKE_QUEUE: "1000", ...env },
  });
  const adapter = new RecordingAdapter("playground");
  stack.ctx.register(adapter);
  await stack.ctx.startDeliveries();
  return { stack, adapter };
}

describe("admission is atomic: concurrent requests cannot pass a cap together", () => {
  const stacks: Stack[] = [];
  after(async () => {
    for (const s of stacks) await s.close();
  });

  it("10 concurrent edits from one person with MAX_QUEUED_PER_USER=3 queue exactly 3", async () => {
    const { stack, adapter } = await idleBot("adm-user", {
      MAX_QUEUED_PER_USER: "3",
      RATE_LIMIT_BURST: "100",
    });
    stacks.push(stack);
    const png = await testPng(320, 240);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        stack.ctx.service.submit({
          origin: origin("ann"),
          image: { kind: "bytes", bytes: png },
          prompt: "snow",
        }),
      ),
    );
    const ok = outcomes.filter((o) => o.ok);
    assert.equal(ok.length, 3);
    for (const o of outcomes) if (!o.ok) assert.equal(o.error.code, "too_many_queued");
    assert.equal((await stack.ctx.queue.counts()).waiting, 3);
    const refusals = adapter.statuses.filter((s) =>
      s.view.text.startsWith("⚠️ You already have 3 edits waiting"),
    );
    assert.equal(refusals.length, 7, "every refusal is answered in words");
    assert.deepEqual(
      (
        await stack.ctx.service.openJobsOf({ platform: "playground", workspaceId: "w1", userId: "ann" })
      ).sort(),
      ok.map((o) => (o.ok ? o.jobId : "")).sort(),
    );
  });

  it("150 concurrent edits with MAX_QUEUE_LENGTH=100 queue at most 100", async () => {
    const { stack, adapter } = await idleBot("adm-global", { MAX_QUEUE_LENGTH: "100" });
    stacks.push(stack);
    const png = await testPng(320, 240);
    const outcomes = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        stack.ctx.service.submit({
          origin: origin(`u${i}`),
          image: { kind: "bytes", bytes: png },
          prompt: "snow",
        }),
      ),
    );
    const ok = outcomes.filter((o) => o.ok).length;
    assert.equal(ok, 100);
    for (const o of outcomes) if (!o.ok) assert.equal(o.error.code, "queue_full");
    assert.equal((await stack.ctx.queue.counts()).waiting, 100);
    assert.equal(
      adapter.statuses.filter((s) =>
        s.view.text.startsWith("⚠️ The queue is full right now (100 edits waiting)"),
      ).length,
      50,
    );
  });

  it("an intake that fails gives its slots back: bad uploads do not use up the person's queue", async () => {
    const { stack } = await idleBot("adm-release", { MAX_QUEUED_PER_USER: "1", RATE_LIMIT_BURST: "100" });
    stacks.push(stack);
    for (let i = 0; i < 3; i++) {
      const bad = await stack.ctx.service.submit({
        origin: origin("bo"),
        image: { kind: "bytes", bytes: Buffer.from("this is not a picture") },
        prompt: "snow",
      });
      assert.equal(bad.ok, false);
      if (!bad.ok) assert.equal(bad.error.code, "not_an_image");
    }
    const good = await stack.ctx.service.submit({
      origin: origin("bo"),
      image: { kind: "bytes", bytes: await testPng(64, 48) },
      prompt: "snow",
    });
    assert.ok(good.ok, "the person still has their one slot");
    assert.equal((await stack.ctx.queue.counts()).waiting, 1);
  });
});
