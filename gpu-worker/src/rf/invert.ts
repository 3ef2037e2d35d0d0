/**
 * RF-Inversion, the controlled forward ODE (paper Eq. 8, Algorithm 1; RF_INVERSION.md, "Inversion").
 * It walks the descending schedule backwards, a_k = s_{N-k}, from the image (sigma 0) to noise (1):
 *   Y += (a_{k+1} - a_k) * [ (1 - gamma_k) * vel(Y, a_k) + gamma_k * (y1 - Y) / (1 - a_k) ]
 * gamma = 0 is plain inversion; gamma = 1 ends exactly on y1.
 */

import { inversionStep } from "./kernels.js";
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

  const y = Float32Array.from(y0);
  for (let k = 0; k < steps; k++) {
    const a = sigmas[steps - k];
    const aNext = sigmas[steps - k - 1];
    const v = checkVelocityShape(await velocity(y, a), y.length, "inversion", k, steps, a);
    checkVelocityFinite(inversionStep(y, v, noise, a, aNext, gammas[k]), v, "inversion", k, steps, a);
    onStep?.(k + 1, steps);
  }
  return y;
}
