import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IntakeBusyError } from "../../../../src/core/intake/errors/intake-busy-error.js";
import { IntakeGate } from "../../../../src/core/intake/intake-gate.js";
import { INTAKE_BUSY } from "../../../../src/core/messages.js";

/** A piece of work that finishes only when the test says so. */
function deferred(): { promise: Promise<void>; finish: () => void } {
  let finish = () => {};
  const promise = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { promise, finish };
}

describe("IntakeGate", () => {
  it("runs at most `concurrency` at once, queues `maxWaiting`, and refuses the rest in words", async () => {
    const gate = new IntakeGate({ concurrency: 2, maxWaiting: 3 });
    let running = 0;
    let peak = 0;
    const works = Array.from({ length: 8 }, () => deferred());
    const started: number[] = [];
    const results = works.map((w, i) =>
      gate
        .run(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await w.promise;
          running--;
          return i;
        })
        .then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        ),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(gate.load(), { running: 2, waiting: 3 });
    // Three over the limit are refused at once, while the others still run.
    for (const r of await Promise.all(results.slice(5))) {
      assert.ok(!r.ok && r.e instanceof IntakeBusyError);
      assert.equal(r.e.userMessage, INTAKE_BUSY);
      assert.equal(r.e.code, "busy");
    }
    for (const w of works) w.finish();
    const done = await Promise.all(results.slice(0, 5));
    assert.deepEqual(
      done.map((r) => r.ok && r.v),
      [0, 1, 2, 3, 4],
    );
    assert.equal(peak, 2);
    // Waiters start in the order they came.
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.deepEqual(gate.load(), { running: 0, waiting: 0 });
  });

  it("frees the slot when the work throws, so a bad upload never leaks capacity", async () => {
    const gate = new IntakeGate({ concurrency: 1, maxWaiting: 0 });
    await assert.rejects(
      gate.run(async () => {
        throw new Error("decode failed");
      }),
      /decode failed/,
    );
    assert.equal(await gate.run(async () => "next"), "next");
    assert.deepEqual(gate.load(), { running: 0, waiting: 0 });
  });

  it("with no wait queue, refuses while busy and accepts again once free", async () => {
    const gate = new IntakeGate({ concurrency: 1, maxWaiting: 0 });
    const w = deferred();
    const first = gate.run(() => w.promise);
    await assert.rejects(
      gate.run(async () => 1),
      IntakeBusyError,
    );
    w.finish();
    await first;
    assert.equal(await gate.run(async () => 2), 2);
  });

  it("rejects impossible settings", () => {
    assert.throws(() => new IntakeGate({ concurrency: 0, maxWaiting: 1 }), RangeError);
    assert.throws(() => new IntakeGate({ concurrency: 1, maxWaiting: -1 }), RangeError);
  });
});
