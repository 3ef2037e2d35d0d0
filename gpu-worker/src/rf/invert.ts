/**
 * RF-Inversion, the controlled forward ODE (paper Eq. 8, Algorithm 1; docs/algorithm.md, "The two
 * controlled ODEs").
 * It walks the descending schedule backwards, a_k = s_{N-k}, from the image (sigma 0) to noise (1):
 *   dY/dsigma = (1 - gamma_k) * vel(Y, sigma) + gamma_k * (y1 - Y) / (1 - sigma)
 * gamma = 0 is plain inversion; gamma = 1 ends exactly on y1.
 * - solver "euler": Y += (a_{k+1} - a_k) * [ ... at a_k ], N calls (Algorithm 1).
 * - solver "midpoint": the midpoint rule with velocity reuse (midpoint-kernels.ts), its last step (of
 *   two or more) an Euler step from a fresh velocity: N + 1 calls.
 */

import { inversionStep } from "./kernels.js";
import { inversionMidpointHalf, inversionMidpointStep } from "./midpoint-kernels.js";
import { checkSolver } from "./solver.js";
import type { InvertOptions, Velocity } from "./types.js";
import {
  checkLatent,
  checkSameLength,
  checkSchedule,
  checkVelocityFinite,
  checkVelocityShape,
  perStepUnitValues,
} from "./validate.js";

export async function invert(y0: Float32Array, velocity: Velocity, o: InvertOptions): Promise<Float32Array> {
  const { sigmas, noise, onStep } = o;
  const steps = checkSchedule(sigmas);
  checkLatent("y0", y0);
  checkLatent("noise", noise);
  checkSameLength("noise", noise, "y0", y0);
  const gammas = perStepUnitValues("gamma", o.gamma, steps);
  const solver = checkSolver(o.solver ?? "euler");

  const y = Float32Array.from(y0);
  if (solver === "midpoint") {
    const yMid = new Float32Array(y.length);
    // u: the model velocity at the step's start; from step 1 on, the previous step's midpoint velocity,
    // which the step kernel copies in.
    const u = new Float32Array(y.length);
    const first = sigmas[steps];
    u.set(checkVelocityShape(await velocity(y, first), y.length, "inversion", 0, steps, first));
    for (let k = 0; k < steps; k++) {
      const a = sigmas[steps - k];
      const aNext = sigmas[steps - k - 1];
      if (k === steps - 1 && k > 0) {
        // The last step, onto sigma 1, is an Euler step from a fresh velocity, at the same cost as a
        // midpoint call (docs/algorithm.md, "The inversion's end"): there the pull makes the solution
        // behave like (1 - sigma)^gamma, not smooth, so the midpoint rule gains nothing, and its reused
        // velocity is stale where the model's velocity changes fastest. One step of local error O(h^2)
        // keeps the global order 2.
        const v = checkVelocityShape(await velocity(y, a), y.length, "inversion", k, steps, a);
        checkVelocityFinite(inversionStep(y, v, noise, a, aNext, gammas[k]), v, "inversion", k, steps, a);
        onStep?.(k + 1, steps);
        break;
      }
      const mid = a + (aNext - a) / 2;
      checkVelocityFinite(
        inversionMidpointHalf(yMid, y, u, noise, a, aNext, gammas[k]),
        u,
        "inversion",
        k,
        steps,
        a,
      );
      const v = checkVelocityShape(await velocity(yMid, mid), y.length, "inversion", k, steps, mid);
      checkVelocityFinite(
        inversionMidpointStep(y, u, v, noise, a, aNext, gammas[k]),
        v,
        "inversion",
        k,
        steps,
        mid,
      );
      onStep?.(k + 1, steps);
    }
    return y;
  }
  for (let k = 0; k < steps; k++) {
    const a = sigmas[steps - k];
    const aNext = sigmas[steps - k - 1];
    const v = checkVelocityShape(await velocity(y, a), y.length, "inversion", k, steps, a);
    checkVelocityFinite(inversionStep(y, v, noise, a, aNext, gammas[k]), v, "inversion", k, steps, a);
    onStep?.(k + 1, steps);
  }
  return y;
}
