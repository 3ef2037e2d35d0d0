import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Actor, Origin } from "../../../src/core/types.js";
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

/** A bot with no worker running, so everything it accepts stays queued. */
async function idleBot(name: string, env: Record<string, string> = {}) {
  const stack = await startStack({ prefix: uniquePrefix(name), worker: false, env });
  const adapter = new RecordingAdapter("playground");
  stack.ctx.register(adapter);
  await stack.ctx.startDeliveries();
  const submit = async (userId: string) =>
    stack.ctx.service.submit({
      origin: origin(userId),
      image: { kind: "bytes", bytes: await testPng(64, 48) },
      prompt: "make it winter",
    });
  return { stack, adapter, submit };
}

describe("limits answer in plain words", () => {
  const stacks: Stack[] = [];
  after(async () => {
    for (const s of stacks) await s.close();
  });

  it("rate limit: a second edit within the burst waits, and says how long", async () => {
    const bot = await idleBot("rate", { RATE_LIMIT_BURST: "1", RATE_LIMIT_PER_MINUTE: "1" });
    stacks.push(bot.stack);
    assert.ok((await bot.submit("u1")).ok);
    const second = await bot.submit("u1");
    assert.equal(second.ok, false);
    if (!second.ok) assert.equal(second.error.code, "rate_limited");
    assert.match(
      bot.adapter.lastText() ?? "",
      /^⚠️ You're editing faster than this bot allows\. Try again in \d+ s\.$/,
    );
    assert.ok((await bot.submit("u2")).ok, "another person is not limited");
  });

  it("queue cap: the queue is full for everyone", async () => {
    const bot = await idleBot("cap", { MAX_QUEUE_LENGTH: "1" });
    stacks.push(bot.stack);
    assert.ok((await bot.submit("u1")).ok);
    const second = await bot.submit("u2");
    assert.equal(second.ok, false);
    if (!second.ok) assert.equal(second.error.code, "queue_full");
    assert.equal(
      bot.adapter.lastText(),
      "⚠️ The queue is full right now (1 edit waiting). Try again in a few minutes.",
    );
    assert.equal((await bot.stack.ctx.queue.counts()).waiting, 1, "the refused edit was not queued");
  });

  it("per-person cap: one person cannot fill the queue", async () => {
    const bot = await idleBot("peruser", { MAX_QUEUED_PER_USER: "1" });
    stacks.push(bot.stack);
    assert.ok((await bot.submit("u1")).ok);
    const second = await bot.submit("u1");
    assert.equal(second.ok, false);
    if (!second.ok) assert.equal(second.error.code, "too_many_queued");
    assert.equal(
      bot.adapter.lastText(),
      "⚠️ You already have 1 edit waiting (the limit is 1). Wait for one to finish, or cancel one with /edit-cancel.",
    );
    assert.ok((await bot.submit("u2")).ok, "someone else still gets in");
  });

  it("queued edits report positions 1, 2, 3, and move up when the first leaves", async () => {
    const bot = await idleBot("position");
    stacks.push(bot.stack);
    const jobs: { jobId: string; statusId: string }[] = [];
    for (const user of ["u1", "u2", "u3"]) {
      const out = await bot.submit(user);
      assert.ok(out.ok);
      const record = await bot.stack.ctx.records.get(out.jobId);
      jobs.push({ jobId: out.jobId, statusId: record?.job.origin.statusMessageId as string });
    }
    assert.deepEqual(await Promise.all(jobs.map((j) => bot.stack.ctx.queue.position(j.jobId))), [1, 2, 3]);
    const last = (i: number) => bot.adapter.textsFor(jobs[i].statusId).at(-1) ?? "";
    assert.match(last(0), /⏳ Queued: you are next\.$/);
    assert.match(last(1), /⏳ Queued: position 2\.$/);
    assert.match(last(2), /⏳ Queued: position 3\.$/);
    const summary = await bot.stack.ctx.service.queueSummary({
      platform: "playground",
      workspaceId: "w1",
      userId: "u3",
    } satisfies Actor);
    assert.match(summary, /^0 running, 3 waiting\./);
    assert.match(summary, /position 3/);

    const u1: Actor = { platform: "playground", workspaceId: "w1", userId: "u1", userName: "u1" };
    assert.ok((await bot.stack.ctx.service.cancel(jobs[0].jobId, u1)).ok);
    await bot.adapter.waitFor(() => last(1) === "⏳ Queued: you are next.", 5_000, "job 2 to move up");
    await bot.adapter.waitFor(() => last(2) === "⏳ Queued: position 2.", 5_000, "job 3 to move up");
    assert.deepEqual(await Promise.all(jobs.map((j) => bot.stack.ctx.queue.position(j.jobId))), [null, 1, 2]);
  });
});
