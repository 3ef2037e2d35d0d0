import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import type { Origin } from "../../../src/core/types.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin = (userId = "u1"): Origin => ({
  platform: "playground",
  workspaceId: "w1",
  channelId: "c1",
  userId,
  userName: userId,
});

describe("edit queue round trip (real Redis, tiny model)", () => {
  let stack: Stack;
  const adapter = new RecordingAdapter("playground");

  before(async () => {
    stack = await startStack({ prefix: uniquePrefix("roundtrip") });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
  });
  after(async () => {
    await stack.close();
  });

  it("enqueues, edits on the worker, and delivers the result with its controls", async () => {
    const out = await stack.ctx.service.submit({
      origin: origin(),
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "make it winter",
      strength: 0.6,
      seed: 7,
    });
    assert.ok(out.ok, out.ok ? "" : out.error.userMessage);
    await adapter.waitFor(() => adapter.results.length === 1, 30_000, "the result");
    const { view, origin: o } = adapter.results[0];
    const meta = await sharp(view.png).metadata();
    assert.equal(meta.format, "png");
    assert.equal(meta.width, 256);
    assert.equal(meta.height, 192);
    assert.match(view.caption, /make it winter/);
    assert.match(view.caption, /strength 0\.6 · seed 7/);
    assert.match(view.caption, /Demo mode/);
    assert.deepEqual(
      view.controls.map((c) => c.label),
      ["Weaker", "Stronger", "New seed", "Edit again"],
    );
    // The stack's defaults: 4 steps, SDE sampler, midpoint solver: the inversion's 4 midpoint steps cost
    // 5 calls, the 4 Euler-Maruyama steps 4.
    assert.equal(view.result.transformerCalls, 9, "first run: N + 1 inversion + N editing calls");
    assert.equal(view.result.inversionCached, false);
    assert.equal(view.job.spec.solver, "midpoint");
    assert.equal(view.job.spec.inversionSteps, 4);
    assert.match(view.caption, /sde · 4\+4 steps, midpoint inversion · 9 transformer calls/);
    const texts = adapter.textsFor(o.statusMessageId as string);
    assert.ok(
      texts.some((t) => /Queued/.test(t)),
      texts.join(" | "),
    );
    await adapter.waitFor(() => adapter.textsFor(o.statusMessageId as string).some((t) => /Done in/.test(t)));
  });

  it("re-runs from a reaction with a stronger strength, reusing the inversion (N calls, not 2N)", async () => {
    const first = adapter.results[0];
    const outcome = await stack.ctx.service.rerunFromMessage(
      first.ref,
      { kind: "stronger" },
      {
        platform: "playground",
        workspaceId: "w1",
        userId: "u2",
        userName: "bob",
      },
    );
    assert.ok(outcome?.ok);
    await adapter.waitFor(() => adapter.results.length === 2, 30_000, "the re-run result");
    const second = adapter.results[1];
    assert.match(second.view.caption, /strength 0\.7 · seed 7/);
    assert.equal(second.view.result.transformerCalls, 4);
    assert.equal(second.view.result.inversionCached, true);
    assert.match(second.view.caption, /sde · 4 steps \(inversion reused\) · 4 transformer calls/);
    assert.equal(second.view.job.parentJobId, first.view.job.jobId);
    assert.equal(second.view.job.origin.userId, "u2");
    assert.equal(second.origin.threadId, first.origin.threadId, "re-runs answer in the same thread");
    assert.notDeepEqual(second.view.png, first.view.png);
  });

  it("edits a result again (chained), using the result image as input", async () => {
    const first = adapter.results[0];
    const outcome = await stack.ctx.service.editAgain(first.view.job.jobId, "add snow", 0.5, {
      platform: "playground",
      workspaceId: "w1",
      userId: "u1",
    });
    assert.ok(outcome.ok);
    await adapter.waitFor(() => adapter.results.length === 3, 30_000, "the chained result");
    const chained = adapter.results[2].view;
    assert.equal(chained.job.kind, "chain");
    assert.equal(chained.job.imageKey, first.view.result.imageKey);
    assert.equal(chained.result.transformerCalls, 9);
    assert.equal(
      chained.job.spec.solver,
      "midpoint",
      "a chained edit keeps the solver of the edit it continues",
    );
  });

  it("runs the ODE sampler on the midpoint solver: N + 1 calls each way, a re-run N + 1", async () => {
    const out = await stack.ctx.service.submit({
      origin: origin("u3"),
      // Another picture: the first test's inversion (4 midpoint steps) would serve this edit too, as the
      // inversion does not depend on the sampler.
      image: { kind: "bytes", bytes: await testPng(240, 160) },
      prompt: "make it autumn",
      strength: 0.5,
      seed: 3,
      sampler: "ode",
    });
    assert.ok(out.ok, out.ok ? "" : out.error.userMessage);
    const before = adapter.results.length;
    await adapter.waitFor(() => adapter.results.length === before + 1, 30_000, "the ODE result");
    const first = adapter.results[before];
    assert.equal(first.view.result.transformerCalls, 10);
    assert.equal(first.view.result.solver, "midpoint");
    assert.match(first.view.caption, /ode midpoint · 4\+4 steps · 10 transformer calls/);
    const rerun = await stack.ctx.service.rerunFromMessage(
      first.ref,
      { kind: "weaker" },
      { platform: "playground", workspaceId: "w1", userId: "u3" },
    );
    assert.ok(rerun?.ok);
    await adapter.waitFor(() => adapter.results.length === before + 2, 30_000, "the ODE re-run");
    const second = adapter.results[before + 1].view;
    assert.equal(second.result.inversionCached, true);
    assert.equal(second.result.transformerCalls, 5, "a re-run reports the calls it made");
    assert.match(second.caption, /ode midpoint · 4 steps \(inversion reused\) · 5 transformer calls/);
  });

  it("says so instead of re-running at the end of the strength range", async () => {
    const rec = adapter.results[0];
    const before = adapter.results.length;
    await stack.ctx.service.rerunFromMessage(
      rec.ref,
      { kind: "strength", value: 1 },
      { platform: "playground", workspaceId: "w1", userId: "u1" },
    );
    await adapter.waitFor(() => adapter.results.length === before + 1, 30_000);
    const top = adapter.results.at(-1) as (typeof adapter.results)[number];
    const outcome = await stack.ctx.service.rerunFromMessage(
      top.ref,
      { kind: "stronger" },
      { platform: "playground", workspaceId: "w1", userId: "u1" },
    );
    assert.equal(outcome?.ok, false);
    assert.match(adapter.lastText() ?? "", /already at the strongest/);
  });

  it("ignores reactions on messages it does not know", async () => {
    const outcome = await stack.ctx.service.rerunFromMessage(
      { platform: "playground", channelId: "c1", messageId: "nope" },
      { kind: "stronger" },
      { platform: "playground", workspaceId: "w1", userId: "u1" },
    );
    assert.equal(outcome, null);
  });

  it("answers a non-image in plain words and queues nothing", async () => {
    const out = await stack.ctx.service.submit({
      origin: origin(),
      image: { kind: "bytes", bytes: Buffer.from("this is not an image") },
      prompt: "make it winter",
    });
    assert.equal(out.ok, false);
    if (!out.ok) assert.equal(out.error.code, "not_an_image");
    assert.match(adapter.lastText() ?? "", /⚠️ .*image/i);
  });

  it("answers an empty and a too-long prompt", async () => {
    const empty = await stack.ctx.service.submit({
      origin: origin(),
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "   ",
    });
    assert.equal(empty.ok, false);
    assert.match(adapter.lastText() ?? "", /Tell me what to change/);
    const long = await stack.ctx.service.submit({
      origin: origin(),
      image: { kind: "bytes", bytes: await testPng() },
      prompt: "x".repeat(1001),
    });
    assert.equal(long.ok, false);
    assert.match(adapter.lastText() ?? "", /1001 characters long; the limit is 1000/);
  });
});
