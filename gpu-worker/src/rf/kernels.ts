/**
 * One Euler step of each equation of docs/algorithm.md, in place on the state. Coefficients are folded
 * in float64 once per step; the loops are plain and allocation-free. The control terms are written as
 * differences (x - target) so that a step whose controller lands on its target (gamma = 1 on the last
 * inversion step, eta = 1 on the last editing step) yields the target's bits exactly.
 *
 * Each kernel also returns the sum of (v - v) over the velocity: 0 when every value is finite, NaN as
 * soon as one is NaN or infinite. Folding the velocity check into the update saves a pass over memory;
 * the caller then locates the bad value and throws.
 */

/**
 * Controlled forward ODE, paper Eq. 8 / Alg. 1, sigma a -> aNext upwards:
 *   Y += (aNext - a) * [ (1 - gamma) * v + gamma * (y1 - Y) / (1 - a) ]
 */
export function inversionStep(
  y: Float32Array,
  v: Float32Array,
  y1: Float32Array,
  a: number,
  aNext: number,
  gamma: number,
): number {
  const d = aNext - a;
  const cv = d * (1 - gamma);
  // With gamma = 1 and aNext = 1 this is (1 - a) / (1 - a) = 1 exactly: the step ends on y1.
  const cy = gamma === 0 ? 0 : (d * gamma) / (1 - a);
  const n = y.length;
  let nonFinite = 0;
  for (let j = 0; j < n; j++) {
    const yj = y[j];
    const vj = v[j];
    nonFinite += vj - vj;
    y[j] = yj + cv * vj + cy * (y1[j] - yj);
  }
  return nonFinite;
}

/**
 * Controlled reverse ODE, paper Eq. 15 / Alg. 2, sigma s -> sNext downwards:
 *   X += (sNext - s) * [ (1 - eta) * v + eta * (X - y0) / s ]
 */
export function controlledOdeStep(
  x: Float32Array,
  v: Float32Array,
  y0: Float32Array,
  s: number,
  sNext: number,
  eta: number,
): number {
  const dt = sNext - s;
  const cv = dt * (1 - eta);
  // With eta = 1 and sNext = 0 this is -s / s = -1 exactly: the step ends on y0.
  const cx = eta === 0 ? 0 : (dt * eta) / s;
  const n = x.length;
  let nonFinite = 0;
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    const vj = v[j];
    nonFinite += vj - vj;
    x[j] = xj + cv * vj + cx * (xj - y0[j]);
  }
  return nonFinite;
}

/**
 * Controlled reverse SDE, paper Thm 3.5 Eq. 17 (Lemma A.4 Eq. 22 at eta = 0), Euler-Maruyama with
 * h = s - sNext > 0 and xi ~ N(0, I), for 0 < s < 1:
 *   X += h * [ (1 - eta) * (-2 v - X / (1 - s)) + eta * (y0 - X) / s ]
 *        + sqrt((1 - eta) * 2 s / (1 - s) * h) * xi
 *
 * Why this drift, in Flux's convention (x_s = (1 - s) x0 + s eps, v = dx/ds = E[eps - x0 | x_s]):
 * the marginals p_s solve the probability-flow ODE dx/ds = v. Running s downwards (t = 1 - s up,
 * dx/dt = -v), any diffusion g(s) keeps the same marginals if the drift becomes -v + g^2/2 * score
 * (Fokker-Planck: the added g^2/2 div(p score) and g^2/2 laplacian(p) cancel). The score is
 * -E[eps | x_s] / s, and from x_s = (1 - s) E[x0 | x_s] + s E[eps | x_s] with v = E[eps] - E[x0]
 * follows E[eps | x_s] = (1 - s) v + x_s. The theorem's choice g^2 = 2 s / (1 - s) gives
 *   -v - (s / (1 - s)) ((1 - s) v + X) / s = -2 v - X / (1 - s),
 * which is docs/algorithm.md's formula as written; the closed-form Gaussian test (eta = 0 reproduces the
 * data mean and variance) confirms the signs. The controller mixes in eta * (y0 - X) / s and scales the
 * diffusion by (1 - eta), so eta = 1 is the deterministic controlled ODE towards y0.
 */
export function controlledSdeStep(
  x: Float32Array,
  v: Float32Array,
  y0: Float32Array,
  xi: Float32Array,
  s: number,
  sNext: number,
  eta: number,
): number {
  const h = s - sNext;
  const free = 1 - eta;
  const cv = -2 * h * free;
  const cx = (-h * free) / (1 - s);
  // With eta = 1 and sNext = 0 this is -s / s = -1 exactly: the step ends on y0.
  const cy = eta === 0 ? 0 : (-h * eta) / s;
  const cn = Math.sqrt(((2 * free * s) / (1 - s)) * h);
  const n = x.length;
  let nonFinite = 0;
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    const vj = v[j];
    nonFinite += vj - vj;
    x[j] = xj + cv * vj + cx * xj + cy * (xj - y0[j]) + cn * xi[j];
  }
  return nonFinite;
}
