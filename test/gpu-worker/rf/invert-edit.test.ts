import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { edit, fluxSigmas, gaussianNoise, invert, type Velocity } from "../../../gpu-worker/src/rf/index.js";
import { gaussianVelocity, maxAbsDifference, mixtureVelocity, rmsDifference } from "./closed-form-flows.js";

const FLOWS: [string, Velocity][] = [
  ["Gaussian N(0.7, 0.5^2)", gaussianVelocity(0.7, 0.5)],
  [
    "mixture 0.3 N(-1.5, 0.4^2) + 0.7 N(1, 0.6^2)",
    mixtureVelocity([
      { weight: 0.3, mean: -1.5, std: 0.4 },
      { weight: 0.7, mean: 1, std: 0.6 },
    ]),
  ],
];

/** Points spread over the data's range: the round trip must hold for any image, not only likely ones. */
function grid(n: number): Float32Array {
  const y0 = new Float32Array(n);
  for (let j = 0; j < n; j++) y0[j] = -2.5 + (5 * j) / (n - 1);
  return y0;
}

async function roundTripError(velocity: Velocity, steps: number, y0: Float32Array): Promise<number> {
  const sigmas = fluxSigmas(steps, 4096);
  const inverted = await invert(y0, velocity, { sigmas, gamma: 0, noise: gaussianNoise(y0.length, 1) });
  const back = await edit(inverted, y0, velocity, { sigmas, etas: new Float64Array(steps) });
  return rmsDifference(back, y0);
}

describe("invert then edit on closed-form flows", () => {
  for (const [name, velocity] of FLOWS) {
    it(`gamma 0 then eta 0 reconstructs the input to first order (${name})`, async () => {
      const y0 = grid(400);
      const errors: number[] = [];
      for (const steps of [50, 100, 200]) errors.push(await roundTripError(velocity, steps, y0));
      // Euler is first order: doubling the steps halves the error.
      for (let k = 1; k < errors.length; k++) {
        const ratio = errors[k - 1] / errors[k];
        assert.ok(ratio > 1.8 && ratio < 2.2, `error ratio ${ratio} (errors ${errors.join(", ")})`);
      }
      assert.ok(errors[errors.length - 1] < 0.05, `error at 200 steps ${errors[errors.length - 1]}`);
    });
  }

  it("gamma 1 ends exactly on the drawn noise", async () => {
    const y0 = grid(1000);
    const noise = gaussianNoise(1000, 42);
    const out = await invert(y0, FLOWS[1][1], { sigmas: fluxSigmas(28, 4096), gamma: 1, noise });
    assert.deepEqual(out, noise);
  });

  it("eta 1 on every step returns y0, from any start and any velocity", async () => {
    const y0 = grid(1000);
    const start = gaussianNoise(1000, 3);
    // A velocity unrelated to y0: the controller alone must bring the state home.
    const wild: Velocity = (x) => x.map((value, j) => 5 * Math.sin(value * j));
    const steps = 28;
    const out = await edit(start, y0, wild, {
      sigmas: fluxSigmas(steps, 4096),
      etas: new Float64Array(steps).fill(1),
    });
    assert.ok(maxAbsDifference(out, y0) <= 1e-6, `max difference ${maxAbsDifference(out, y0)}`);
  });

  it("accepts gamma per step and uses gamma_k on inversion step k", async () => {
    const y0 = grid(200);
    const noise = gaussianNoise(200, 8);
    const sigmas = fluxSigmas(10, 4096);
    const velocity = FLOWS[0][1];
    const constant = await invert(y0, velocity, { sigmas, gamma: 0.5, noise });
    const perStep = await invert(y0, velocity, { sigmas, gamma: new Float64Array(10).fill(0.5), noise });
    assert.deepEqual(perStep, constant);
    // Only the last step's gamma = 1 already lands on the noise.
    const lastOnly = await invert(y0, velocity, { sigmas, gamma: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], noise });
    assert.deepEqual(lastOnly, noise);
  });

  it("walks the schedule in the stated order, reports progress and leaves its inputs alone", async () => {
    const sigmas = fluxSigmas(4, 1024);
    const seen: number[] = [];
    const record: Velocity = (x, sigma) => {
      seen.push(sigma);
      return new Float32Array(x.length);
    };
    const y0 = grid(16);
    const y0Copy = Float32Array.from(y0);
    const noise = gaussianNoise(16, 2);
    const progress: string[] = [];
    const inverted = await invert(y0, record, {
      sigmas,
      gamma: 0.5,
      noise,
      onStep: (k, n) => progress.push(`${k}/${n}`),
    });
    assert.deepEqual(seen, [sigmas[4], sigmas[3], sigmas[2], sigmas[1]]);
    seen.length = 0;
    const invertedCopy = Float32Array.from(inverted);
    await edit(inverted, y0, record, {
      sigmas,
      etas: [0.9, 0, 0, 0],
      sampler: "sde",
      seed: 1,
      onStep: (k, n) => progress.push(`${k}/${n}`),
    });
    assert.deepEqual(seen, [sigmas[0], sigmas[1], sigmas[2], sigmas[3]]);
    assert.deepEqual(progress, ["1/4", "2/4", "3/4", "4/4", "1/4", "2/4", "3/4", "4/4"]);
    assert.deepEqual(y0, y0Copy);
    assert.deepEqual(inverted, invertedCopy);
    assert.deepEqual(noise, gaussianNoise(16, 2));
  });

  it("awaits an asynchronous velocity", async () => {
    const y0 = grid(64);
    const sigmas = fluxSigmas(6, 256);
    const velocity = FLOWS[0][1];
    const later: Velocity = async (x, s) => {
      await new Promise((resolve) => setImmediate(resolve));
      return velocity(x, s);
    };
    const noise = gaussianNoise(64, 1);
    assert.deepEqual(
      await invert(y0, later, { sigmas, gamma: 0.3, noise }),
      await invert(y0, velocity, { sigmas, gamma: 0.3, noise }),
    );
  });
});
