import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Admission } from "../../../src/core/admission.js";
import { UserFacingError } from "../../../src/core/errors/user-facing-error.js";
import { OTHER_WORKSPACE } from "../../../src/core/messages.js";
import type { Actor, Origin } from "../../../src/core/types.js";
import type { EditJob } from "../../../src/queue/job-schemas.js";
import { MemoryJobSlots } from "../../support/memory-job-slots.js";

const origin = (userId: string, workspaceId = "guild-a"): Origin => ({
  platform: "discord",
  workspaceId,
  channelId: "c1",
  userId,
});

const job = (o: Origin): EditJob => ({
  v: 1,
  jobId: "jabc",
  kind: "new",
  origin: o,
  imageKey: "a".repeat(64),
  spec: {
    prompt: "snow",
    strength: 0.5,
    seed: 1,
    steps: 4,
    sampler: "sde",
    solver: "euler",
    gamma: 0.5,
    eta: 0.9,
    guidance: 3.5,
    inversionSeed: 0,
  },
  requestedAt: 0,
});

function refusal(f: () => unknown): UserFacingError {
  try {
    f();
  } catch (err) {
    if (err instanceof UserFacingError) return err;
    throw err;
  }
  assert.fail("expected a refusal");
}

async function refusalOf(p: Promise<unknown>): Promise<UserFacingError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UserFacingError) return err;
    throw err;
  }
  assert.fail("expected a refusal");
}

const limits = { maxQueueLength: 5, maxQueuedPerUser: 2, ratePerMinute: 60, rateBurst: 3 };

describe("Admission (core rules, in-memory slots)", () => {
  it("refuses the person's third open job in words, and takes it again once one is released", async () => {
    const slots = new MemoryJobSlots(limits);
    const a = new Admission(slots, "anyone");
    await a.admit(origin("ann"), "j1");
    await a.admit(origin("ann"), "j2");
    const third = await refusalOf(a.admit(origin("ann"), "j3"));
    assert.equal(third.code, "too_many_queued");
    assert.match(third.userMessage, /^You already have 2 edits waiting \(the limit is 2\)/);
    await a.admit(origin("ann", "guild-b"), "j4");
    await a.abandon("j1", false);
    await a.admit(origin("ann"), "j5");
  });

  it("counts intakes under way against the global queue, so a burst cannot overfill it", async () => {
    const slots = new MemoryJobSlots({ ...limits, maxQueueLength: 3, maxQueuedPerUser: 10 });
    const a = new Admission(slots, "anyone");
    slots.waitingInQueue = 1;
    await a.admit(origin("u1"), "j1");
    await a.admit(origin("u2"), "j2");
    const full = await refusalOf(a.admit(origin("u3"), "j3"));
    assert.equal(full.code, "queue_full");
    assert.equal(
      full.userMessage,
      "The queue is full right now (3 edits waiting). Try again in a few minutes.",
    );
  });

  it("gives the rate token back only when the intake failed on our side", async () => {
    const slots = new MemoryJobSlots({ ...limits, rateBurst: 1, ratePerMinute: 0.001 });
    const a = new Admission(slots, "anyone");
    await a.admit(origin("ann"), "j1");
    await a.abandon("j1", true);
    await a.admit(origin("ann"), "j2");
    await a.abandon("j2", false);
    const limited = await refusalOf(a.admit(origin("ann"), "j3"));
    assert.equal(limited.code, "rate_limited");
    assert.match(limited.userMessage, /^You're editing faster than this bot allows\. Try again in \d+ s\.$/);
  });

  it("scopes cancel and re-run to the job's workspace: a moderator elsewhere has no rights", () => {
    const a = new Admission(new MemoryJobSlots(limits), "anyone");
    const j = job(origin("ann", "guild-a"));
    const ownMod: Actor = { platform: "discord", workspaceId: "guild-a", userId: "mod", canModerate: true };
    const otherMod: Actor = { ...ownMod, workspaceId: "guild-b" };
    const annElsewhere: Actor = { platform: "discord", workspaceId: "guild-b", userId: "ann" };
    a.checkCancel(ownMod, j);
    a.checkCancel({ platform: "discord", workspaceId: "guild-a", userId: "ann" }, j);
    for (const actor of [otherMod, annElsewhere]) {
      const r = refusal(() => a.checkCancel(actor, j));
      assert.equal(r.code, "not_allowed");
      assert.equal(r.userMessage, OTHER_WORKSPACE);
      assert.equal(refusal(() => a.checkRerun(actor, j, "re-run")).userMessage, OTHER_WORKSPACE);
    }
    const slackSameIds: Actor = { platform: "slack", workspaceId: "guild-a", userId: "ann" };
    assert.equal(refusal(() => a.checkCancel(slackSameIds, j)).userMessage, OTHER_WORKSPACE);
    const stranger: Actor = { platform: "discord", workspaceId: "guild-a", userId: "dan" };
    assert.match(refusal(() => a.checkCancel(stranger, j)).userMessage, /^Only the person who asked/);
    a.checkRerun(stranger, j, "re-run");
    const strict = new Admission(new MemoryJobSlots(limits), "requester");
    assert.match(
      refusal(() => strict.checkRerun(stranger, j, "edit-again")).userMessage,
      /edit its result again/,
    );
    strict.checkRerun(ownMod, j, "re-run");
  });
});
