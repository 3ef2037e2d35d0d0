/**
 * RF-Inversion editing (docs/algorithm.md, "The two controlled ODEs"), from the inverted
 * latent y1 at sigma 1 down the schedule to sigma 0, pulled towards the image y0 by eta_i:
 * - "ode": the controlled reverse ODE, paper Eq. 15 / Algorithm 2, every step.
 * - "sde": the controlled reverse SDE, paper Thm 3.5 Eq. 17, for steps i >= 1. Step 0 starts at
 *   s_0 = 1 where the SDE's 1 / (1 - s) is singular, so it is the ODE step of Eq. 15.
 * The SDE noise of step i is its own seeded stream (noise.ts), so it depends only on (seed, i).
 * The ODE sampler integrates with the solver: "euler" (Algorithm 2, N calls) or "midpoint" (velocity
 * reuse, N + 1 calls, midpoint-kernels.ts). The SDE sampler stays Euler-Maruyama (paper Thm 3.5).
 */

import { controlledOdeStep, controlledSdeStep } from "./kernels.js";
import { controlledOdeMidpointHalf, controlledOdeMidpointStep } from "./midpoint-kernels.js";
import { fillStreamNoise, NoiseStream } from "./noise.js";
import { checkSolver } from "./solver.js";
import type { EditOptions, Velocity } from "./types.js";
import {
  checkLatent,
  checkSameLength,
  checkSchedule,
  checkVelocityFinite,
  checkVelocityShape,
  perStepUnitValues,
} from "./validate.js";

export async function edit(
  y1: Float32Array,
  y0: Float32Array,
  velocity: Velocity,
  o: EditOptions,
): Promise<Float32Array> {
  const { sigmas, onStep } = o;
  const sampler = o.sampler ?? "ode";
  const seed = o.seed ?? 0;
  const steps = checkSchedule(sigmas);
  checkLatent("y1", y1);
  checkLatent("y0", y0);
  checkSameLength("y1", y1, "y0", y0);
  if (typeof o.etas === "number") {
    throw new RangeError("etas must hold one value per step (see etasForStrength), got a single number");
  }
  const etas = perStepUnitValues("etas", o.etas, steps);
  if (sampler !== "ode" && sampler !== "sde") {
    throw new RangeError(`sampler must be "ode" or "sde", got ${String(sampler)}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
  const solver = checkSolver(o.solver ?? "euler");
  if (sampler === "sde" && solver !== "euler") {
    throw new RangeError(`the SDE sampler is Euler-Maruyama only; solver "${solver}" is for the ODE sampler`);
  }
  if (solver === "midpoint") return editMidpoint(y1, y0, velocity, sigmas, etas, steps, onStep);

  const x = Float32Array.from(y1);
  const xi = sampler === "sde" ? new Float32Array(x.length) : null;
  for (let i = 0; i < steps; i++) {
    const s = sigmas[i];
    const sNext = sigmas[i + 1];
    const pending = velocity(x, s);
    // The step's noise depends only on (seed, i), not on v: drawing it while the model runs (off the
    // main thread for the ONNX transformer) takes it off the critical path of every SDE step.
    const stochastic = xi !== null && i > 0;
    if (stochastic) fillStreamNoise(xi, seed, NoiseStream.SDE, i);
    const v = checkVelocityShape(await pending, x.length, "editing", i, steps, s);
    const nonFinite = stochastic
      ? controlledSdeStep(x, v, y0, xi, s, sNext, etas[i])
      : controlledOdeStep(x, v, y0, s, sNext, etas[i]);
    checkVelocityFinite(nonFinite, v, "editing", i, steps, s);
    onStep?.(i + 1, steps);
  }
  return x;
}

/** The controlled reverse ODE (Eq. 15) by the midpoint rule with velocity reuse: N + 1 calls. */
async function editMidpoint(
  y1: Float32Array,
  y0: Float32Array,
  velocity: Velocity,
  sigmas: ArrayLike<number>,
  etas: Float64Array,
  steps: number,
  onStep: EditOptions["onStep"],
): Promise<Float32Array> {
  const x = Float32Array.from(y1);
  const xMid = new Float32Array(x.length);
  // u: the model velocity at the step's start; from step 1 on, the previous step's midpoint velocity,
  // which the step kernel copies in.
  const u = new Float32Array(x.length);
  u.set(checkVelocityShape(await velocity(x, sigmas[0]), x.length, "editing", 0, steps, sigmas[0]));
  for (let i = 0; i < steps; i++) {
    const s = sigmas[i];
    const sNext = sigmas[i + 1];
    const mid = s + (sNext - s) / 2;
    checkVelocityFinite(
      controlledOdeMidpointHalf(xMid, x, u, y0, s, sNext, etas[i]),
      u,
      "editing",
      i,
      steps,
      s,
    );
    const v = checkVelocityShape(await velocity(xMid, mid), x.length, "editing", i, steps, mid);
    checkVelocityFinite(
      controlledOdeMidpointStep(x, u, v, y0, s, sNext, etas[i]),
      v,
      "editing",
      i,
      steps,
      mid,
    );
    onStep?.(i + 1, steps);
  }
  return x;
}
