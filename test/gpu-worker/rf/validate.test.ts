import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  edit,
  fluxSigmas,
  gaussianNoise,
  invert,
  type Velocity,
  VelocityOutputError,
} from "../../../gpu-worker/src/rf/index.js";

const n = 32;
const steps = 4;
const sigmas = fluxSigmas(steps, 256);
const y0 = gaussianNoise(n, 1);
const noise = gaussianNoise(n, 2);
const etas = [0.9, 0.9, 0, 0];
const zero: Velocity = (x) => new Float32Array(x.length);

describe("bad input to the engine", () => {
  it("rejects lengths that do not match", async () => {
    await assert.rejects(invert(y0, zero, { sigmas, gamma: 0.5, noise: gaussianNoise(n + 1, 2) }), {
      name: "RangeError",
      message: /noise has length 33 but y0 has length 32/,
    });
    await assert.rejects(edit(gaussianNoise(n - 1, 2), y0, zero, { sigmas, etas }), {
      name: "RangeError",
      message: /y1 has length 31 but y0 has length 32/,
    });
    await assert.rejects(edit(noise, y0, zero, { sigmas, etas: [0.9, 0.9, 0] }), {
      name: "RangeError",
      message: /etas has 3 values but the schedule has 4 steps/,
    });
    await assert.rejects(invert(y0, zero, { sigmas, gamma: [0.5, 0.5], noise }), {
      name: "RangeError",
      message: /gamma has 2 values but the schedule has 4 steps/,
    });
  });

  it("rejects fewer than one step", async () => {
    await assert.rejects(invert(y0, zero, { sigmas: [1], gamma: 0.5, noise }), {
      name: "RangeError",
      message: /fewer than one step/,
    });
    await assert.rejects(edit(noise, y0, zero, { sigmas: [], etas: [] }), {
      name: "RangeError",
      message: /fewer than one step/,
    });
  });

  it("rejects a schedule that is not descending from 1 to 0", async () => {
    for (const bad of [
      [0, 0.5, 1],
      [1, 0.5, 0.1],
      [0.9, 0.5, 0],
      [1, 0.5, 0.6, 0],
      [1, 0.5, 0.5, 0],
      [1, Number.NaN, 0],
    ]) {
      await assert.rejects(edit(noise, y0, zero, { sigmas: bad, etas: new Array(bad.length - 1).fill(0) }), {
        name: "RangeError",
        message: /descend/,
      });
      await assert.rejects(invert(y0, zero, { sigmas: bad, gamma: 0, noise }), RangeError);
    }
  });

  it("rejects a velocity that returns NaN, naming the step", async () => {
    const nanAtThird: Velocity = (x, sigma) => {
      const v = new Float32Array(x.length);
      if (sigma === sigmas[2]) v[5] = Number.NaN;
      return v;
    };
    await assert.rejects(edit(noise, y0, nanAtThird, { sigmas, etas, sampler: "sde" }), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.ok(error instanceof VelocityOutputError);
      assert.match(
        error.message,
        /velocity at editing step 3 of 4 \(sigma [0-9.]+\) returned NaN at index 5/,
      );
      assert.equal(error.step, 2);
      assert.equal(error.phase, "editing");
      return true;
    });
    await assert.rejects(invert(y0, nanAtThird, { sigmas, gamma: 0.5, noise }), {
      name: "VelocityOutputError",
      // a_2 = s_2: the third inversion step.
      message: /velocity at inversion step 3 of 4 .*returned NaN at index 5/,
    });
    const infinite: Velocity = (x) => new Float32Array(x.length).fill(Number.POSITIVE_INFINITY);
    await assert.rejects(edit(noise, y0, infinite, { sigmas, etas }), {
      message: /editing step 1 of 4 .*returned Infinity at index 0/,
    });
  });

  it("rejects a velocity that returns the wrong length or type, naming the step", async () => {
    const short: Velocity = (x) => new Float32Array(x.length - 1);
    await assert.rejects(invert(y0, short, { sigmas, gamma: 0.5, noise }), {
      name: "VelocityOutputError",
      message: /velocity at inversion step 1 of 4 .*returned length 31, expected 32/,
    });
    const wrongType = (() => [0]) as unknown as Velocity;
    await assert.rejects(edit(noise, y0, wrongType, { sigmas, etas }), {
      message: /editing step 1 of 4 .*did not return a Float32Array/,
    });
  });

  it("rejects out-of-range controls, samplers, seeds and non-finite latents", async () => {
    await assert.rejects(invert(y0, zero, { sigmas, gamma: 1.5, noise }), {
      message: /gamma must be in \[0, 1\]/,
    });
    await assert.rejects(edit(noise, y0, zero, { sigmas, etas: [0.9, -0.1, 0, 0] }), {
      message: /etas\[1\] must be in \[0, 1\]/,
    });
    await assert.rejects(edit(noise, y0, zero, { sigmas, etas, sampler: "euler" as "ode" }), {
      message: /sampler must be "ode" or "sde"/,
    });
    await assert.rejects(edit(noise, y0, zero, { sigmas, etas, sampler: "sde", seed: 1.5 }), {
      message: /seed must be a safe integer/,
    });
    const broken = Float32Array.from(y0);
    broken[3] = Number.NaN;
    await assert.rejects(invert(broken, zero, { sigmas, gamma: 0.5, noise }), { message: /y0\[3\] is NaN/ });
    await assert.rejects(
      invert(new Float32Array(0), zero, { sigmas, gamma: 0.5, noise: new Float32Array(0) }),
      {
        message: /y0 is empty/,
      },
    );
  });

  it("checks its input before calling the velocity", async () => {
    let calls = 0;
    const counting: Velocity = (x) => {
      calls++;
      return new Float32Array(x.length);
    };
    await assert.rejects(edit(noise, y0, counting, { sigmas, etas: [2, 0, 0, 0] }), RangeError);
    await assert.rejects(invert(y0, counting, { sigmas: [1, 0.5, 0.7, 0], gamma: 0, noise }), RangeError);
    assert.equal(calls, 0);
  });
});
