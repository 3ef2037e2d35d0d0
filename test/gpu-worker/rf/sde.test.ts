import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { edit, fluxSigmas, gaussianNoise, type Velocity } from "../../../gpu-worker/src/rf/index.js";
import {
  type Component,
  gaussianVelocity,
  maxAbsDifference,
  mixtureMoments,
  mixtureVelocity,
  sampleMoments,
} from "./closed-form-flows.js";

/**
 * Starting from pure noise (sigma 1) with eta = 0, every coordinate is an independent path of the
 * unconditioned reverse SDE, so the end values are samples of the data distribution up to the
 * Euler-Maruyama error (first order in the step) and the sampling error of the path count.
 */
async function sampleWithSde(
  velocity: Velocity,
  paths: number,
  steps: number,
  seed: number,
): Promise<Float32Array> {
  const sigmas = fluxSigmas(steps, 256);
  return edit(gaussianNoise(paths, 1), new Float32Array(paths), velocity, {
    sigmas,
    etas: new Float64Array(steps),
    sampler: "sde",
    seed,
  });
}

describe("the stochastic sampler (Thm 3.5, Eq. 17)", () => {
  it("with eta 0 reproduces a Gaussian's mean and variance over many paths", async () => {
    const paths = 50000;
    const { mean, variance } = sampleMoments(await sampleWithSde(gaussianVelocity(0.7, 0.5), paths, 200, 7));
    // Sampling error: 0.5 / sqrt(n) = 0.0022 on the mean, 0.25 sqrt(2 / n) = 0.0016 on the variance.
    assert.ok(Math.abs(mean - 0.7) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 0.25) < 0.0075, `variance ${variance}`);
  });

  it("with eta 0 reproduces a Gaussian mixture's mean and variance over many paths", async () => {
    const mix: Component[] = [
      { weight: 0.3, mean: -1.5, std: 0.4 },
      { weight: 0.7, mean: 1, std: 0.6 },
    ];
    const expected = mixtureMoments(mix);
    const { mean, variance } = sampleMoments(await sampleWithSde(mixtureVelocity(mix), 20000, 200, 9));
    // Sampling error: 0.009 on the mean, about 0.013 on the variance (1.61).
    assert.ok(Math.abs(mean - expected.mean) < 0.04, `mean ${mean}, expected ${expected.mean}`);
    assert.ok(
      Math.abs(variance - expected.variance) < 0.06,
      `variance ${variance}, expected ${expected.variance}`,
    );
  });

  it("adds noise: paths that start together spread to the data variance", async () => {
    // Without the diffusion term every path from the same start would end at the same point.
    const paths = 20000;
    const steps = 100;
    const out = await edit(
      new Float32Array(paths).fill(0.3),
      new Float32Array(paths),
      gaussianVelocity(0.7, 0.5),
      {
        sigmas: fluxSigmas(steps, 256),
        etas: new Float64Array(steps),
        sampler: "sde",
        seed: 4,
      },
    );
    const { variance } = sampleMoments(out);
    assert.ok(Math.abs(variance - 0.25) < 0.02, `variance ${variance}`);
  });

  it("with eta 1 on every step returns y0", async () => {
    const y0 = gaussianNoise(5000, 77).map((v) => 0.5 * v + 0.2);
    const steps = 28;
    const out = await edit(gaussianNoise(5000, 3), y0, gaussianVelocity(0, 1), {
      sigmas: fluxSigmas(steps, 4096),
      etas: new Float64Array(steps).fill(1),
      sampler: "sde",
      seed: 5,
    });
    assert.ok(maxAbsDifference(out, y0) <= 1e-6, `max difference ${maxAbsDifference(out, y0)}`);
  });

  it("is deterministic per seed, differs between seeds, and the ODE ignores the seed", async () => {
    const steps = 10;
    const run = (sampler: "ode" | "sde", seed: number) =>
      edit(gaussianNoise(1000, 1), new Float32Array(1000), gaussianVelocity(0.7, 0.5), {
        sigmas: fluxSigmas(steps, 256),
        etas: new Float64Array(steps),
        sampler,
        seed,
      });
    assert.deepEqual(await run("sde", 3), await run("sde", 3));
    assert.ok(maxAbsDifference(await run("sde", 3), await run("sde", 4)) > 0.1);
    assert.deepEqual(await run("ode", 3), await run("ode", 4));
  });
});
