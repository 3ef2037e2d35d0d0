/**
 * Exact velocities of rectified flows whose data distribution is known in closed form, so the engine
 * can be tested against the equations without a model. Every coordinate is an independent 1-D flow,
 * so one latent of n values is n independent paths.
 *
 * Flux's convention: x_s = (1 - s) x0 + s eps, eps ~ N(0, 1) independent of x0, and the velocity is
 * v(x, s) = E[eps - x0 | x_s = x].
 *
 * Gaussian data, x0 ~ N(m, q^2). Then (x0, eps, x_s) are jointly Gaussian with
 *   E[x_s] = (1 - s) m,  V(s) = Var(x_s) = (1 - s)^2 q^2 + s^2,
 *   Cov(x0, x_s) = (1 - s) q^2,  Cov(eps, x_s) = s,
 * and Gaussian conditioning, E[a | x] = E[a] + Cov(a, x) / Var(x) * (x - E[x]), gives
 *   E[x0 | x]  = m + (1 - s) q^2 / V(s) * (x - (1 - s) m)
 *   E[eps | x] =          s  / V(s) * (x - (1 - s) m)
 *   v(x, s) = (s - (1 - s) q^2) / V(s) * (x - (1 - s) m) - m.
 * Checks: at s = 1, v = x - m (straight line from eps to the mean); at s = 0, v = -x (x0 = x, E eps = 0).
 *
 * Mixture data, x0 ~ sum_k w_k N(m_k, q_k^2). Given the component k, the Gaussian formulas above hold
 * with (m_k, q_k). The component's posterior weight is Bayes' rule on x_s's marginal under component k,
 *   pi_k(x) ∝ w_k N(x; (1 - s) m_k, V_k(s)),
 * and by the tower rule v(x, s) = sum_k pi_k(x) v_k(x, s). The weights are normalised in log space.
 */

import type { Velocity } from "../../../gpu-worker/src/rf/index.js";

export interface Component {
  weight: number;
  mean: number;
  std: number;
}

export function gaussianVelocity(mean: number, std: number): Velocity {
  return mixtureVelocity([{ weight: 1, mean, std }]);
}

export function mixtureVelocity(components: Component[]): Velocity {
  const count = components.length;
  // Per call, per component: the centre (1 - s) m_k, V_k(s), the velocity's slope, and log w_k - ln V_k / 2.
  const centre = new Float64Array(count);
  const halfInvVariance = new Float64Array(count);
  const slope = new Float64Array(count);
  const logScale = new Float64Array(count);
  const logw = new Float64Array(count);
  return (x, s) => {
    for (let k = 0; k < count; k++) {
      const { weight, mean, std } = components[k];
      const q2 = std * std;
      const variance = (1 - s) * (1 - s) * q2 + s * s;
      centre[k] = (1 - s) * mean;
      halfInvVariance[k] = 0.5 / variance;
      slope[k] = (s - (1 - s) * q2) / variance;
      logScale[k] = Math.log(weight) - 0.5 * Math.log(variance);
    }
    const out = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) {
      let top = -Infinity;
      for (let k = 0; k < count; k++) {
        const r = x[j] - centre[k];
        logw[k] = logScale[k] - r * r * halfInvVariance[k];
        if (logw[k] > top) top = logw[k];
      }
      let total = 0;
      let acc = 0;
      for (let k = 0; k < count; k++) {
        const w = Math.exp(logw[k] - top);
        total += w;
        // v_k(x, s) = slope_k (x - (1 - s) m_k) - m_k
        acc += w * (slope[k] * (x[j] - centre[k]) - components[k].mean);
      }
      out[j] = acc / total;
    }
    return out;
  };
}

/** Mean and variance of a mixture: sum w m, and sum w (q^2 + m^2) - mean^2. */
export function mixtureMoments(components: Component[]): { mean: number; variance: number } {
  let mean = 0;
  let second = 0;
  for (const c of components) {
    mean += c.weight * c.mean;
    second += c.weight * (c.std * c.std + c.mean * c.mean);
  }
  return { mean, variance: second - mean * mean };
}

export function sampleMoments(x: Float32Array): { mean: number; variance: number } {
  let sum = 0;
  for (const value of x) sum += value;
  const mean = sum / x.length;
  let sq = 0;
  for (const value of x) sq += (value - mean) * (value - mean);
  return { mean, variance: sq / (x.length - 1) };
}

export function rmsDifference(a: Float32Array, b: Float32Array): number {
  let sq = 0;
  for (let j = 0; j < a.length; j++) sq += (a[j] - b[j]) * (a[j] - b[j]);
  return Math.sqrt(sq / a.length);
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let j = 0; j < a.length; j++) max = Math.max(max, Math.abs(a[j] - b[j]));
  return max;
}
