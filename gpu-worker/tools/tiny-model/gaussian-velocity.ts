/**
 * The demo transformer's output in plain TypeScript (docs/demo-model.md): the exact rectified-flow
 * velocity for Gaussian latents, per coordinate. Flux's convention: x_s = (1 - s) x0 + s eps with
 * s = 1 pure noise, 0 the image, and v(x, s) = E[eps - x0 | x_s = x]. For x0 ~ N(m, q^2) and
 * eps ~ N(0, 1) independent, (x0, eps, x_s) are jointly Gaussian:
 *   E[x_s] = (1 - s) m,  V(s) = Var(x_s) = (1 - s)^2 q^2 + s^2,
 *   Cov(eps - x0, x_s) = s - (1 - s) q^2,  E[eps - x0] = -m,
 * and Gaussian conditioning (E[a | x] = E[a] + Cov(a, x) / Var(x) (x - E[x])) gives
 *   v(x, s) = (s - (1 - s) q^2) / V(s) * (x - (1 - s) m) - m.
 * transformer-graph.ts builds the same expression as ONNX nodes; the tests compare the two.
 */

import type { ChannelPrior } from "./demo-words.js";
import { LATENT_CHANNELS, LATENT_PER_COEFFICIENT } from "./vae-basis.js";

/** v for packed latents [L, 64] (channel c at c * 4 + sub), prior in basis-coefficient units. */
export function gaussianFlowVelocity(x: Float32Array, sigma: number, prior: ChannelPrior): Float32Array {
  const packedWidth = LATENT_CHANNELS * 4;
  const slope = new Float64Array(packedWidth);
  const mean = new Float64Array(packedWidth);
  for (let j = 0; j < packedWidth; j++) {
    const c = Math.floor(j / 4);
    const m = prior.mean[c] * LATENT_PER_COEFFICIENT;
    const q2 = (prior.spread[c] * LATENT_PER_COEFFICIENT) ** 2;
    slope[j] = (sigma - (1 - sigma) * q2) / ((1 - sigma) ** 2 * q2 + sigma ** 2);
    mean[j] = m;
  }
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % packedWidth;
    out[i] = slope[j] * (x[i] - (1 - sigma) * mean[j]) - mean[j];
  }
  return out;
}
