import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEV_SCHEDULE,
  fluxSigmas,
  gaussianNoise,
  gradedEnd,
  INVERSION_END_LEVELS,
  inversionSigmas,
  invert,
  scheduleSigmas,
} from "../../../gpu-worker/src/rf/index.js";
import { mixtureVelocity } from "./closed-form-flows.js";
import { rms } from "./reference-ode.js";

describe("the inversion's schedule", () => {
  it("grades the interval next to sigma 1 geometrically, a quarter at each level", () => {
    const plain = Float64Array.from([1, 0.8, 0.3, 0]);
    const graded = gradedEnd(plain, 2);
    assert.deepEqual(Array.from(graded), [1, 1 - 0.2 / 16, 1 - 0.2 / 4, 0.8, 0.3, 0]);
    assert.deepEqual(Array.from(gradedEnd(plain, 0)), Array.from(plain));
    assert.throws(() => gradedEnd(Float64Array.from([0.9, 0]), 1), /starts at sigma 1/);
    assert.throws(() => gradedEnd(plain, -1), /levels/);
  });

  it("keeps Euler on the plain schedule and gives the midpoint solver the same step count, graded", () => {
    for (const steps of [1, 2, 3, 4, 10, 28]) {
      assert.deepEqual(
        inversionSigmas(steps, 1024, DEV_SCHEDULE, "euler"),
        scheduleSigmas(steps, 1024, DEV_SCHEDULE),
      );
      const mid = inversionSigmas(steps, 1024, DEV_SCHEDULE, "midpoint");
      assert.equal(mid.length, steps + 1, `midpoint at ${steps} steps`);
      assert.equal(mid[0], 1);
      assert.equal(mid[steps], 0);
      for (let i = 1; i <= steps; i++) assert.ok(mid[i] < mid[i - 1], `descends at ${i} of ${steps}`);
    }
    const levels = INVERSION_END_LEVELS;
    const plain = scheduleSigmas(10 - levels, 1024, DEV_SCHEDULE);
    const mid = inversionSigmas(10, 1024, DEV_SCHEDULE, "midpoint");
    assert.ok(Math.abs(1 - mid[1] - (1 - plain[1]) / 4 ** levels) < 1e-15);
    assert.deepEqual(Array.from(mid.subarray(levels + 1)), Array.from(plain.subarray(1)));
    assert.deepEqual(
      inversionSigmas(1, 1024, DEV_SCHEDULE, "midpoint"),
      scheduleSigmas(1, 1024, DEV_SCHEDULE),
    );
  });

  it("with gamma > 0 brings a 10-step midpoint inversion closer to a 2000-step Euler one than Euler at 28", async () => {
    // The error of an inversion with gamma > 0 is the residual of its last step onto sigma 1, which
    // shrinks like h^gamma (docs/algorithm.md): the graded end shortens that step, the plain one does not.
    const velocity = mixtureVelocity([
      { weight: 0.3, mean: -1.5, std: 0.4 },
      { weight: 0.7, mean: 1, std: 0.6 },
    ]);
    const n = 200;
    const y0 = new Float32Array(n);
    for (let j = 0; j < n; j++) y0[j] = -2.5 + (5 * j) / (n - 1);
    const noise = gaussianNoise(n, 1);
    const o = { gamma: 0.5, noise };
    const reference = await invert(y0, velocity, { ...o, sigmas: fluxSigmas(2000, 4096), solver: "euler" });
    const euler = await invert(y0, velocity, { ...o, sigmas: fluxSigmas(28, 4096), solver: "euler" });
    const midpoint = await invert(y0, velocity, {
      ...o,
      sigmas: inversionSigmas(10, 4096, DEV_SCHEDULE, "midpoint"),
      solver: "midpoint",
    });
    const plainMidpoint = await invert(y0, velocity, {
      ...o,
      sigmas: fluxSigmas(10, 4096),
      solver: "midpoint",
    });
    const [m, e, p] = [rms(midpoint, reference), rms(euler, reference), rms(plainMidpoint, reference)];
    assert.ok(m < e, `graded midpoint 10: ${m}, Euler 28: ${e}`);
    assert.ok(m < p, `graded midpoint 10: ${m}, plain midpoint 10: ${p}`);
  });
});
