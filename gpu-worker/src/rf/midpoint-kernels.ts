/**
 * The second-order solver of both controlled ODEs: the midpoint rule with velocity reuse, about one
 * model call per step (docs/algorithm.md, "Solvers"). Each step is two kernels around one
 * model call: `...Half` writes the midpoint state for the model, `...Step` makes the step.
 *
 * Both ODEs have the form dx/dsigma = f(x, sigma) = (1 - c) * v(x, sigma) + c * g(x, sigma), a model
 * velocity v (one transformer call) plus an analytic controller g (free at any point):
 *   inversion, paper Eq. 8:  c = gamma, g = (y1 - Y) / (1 - sigma), sigma a -> aNext upwards
 *   editing,   paper Eq. 15: c = eta,   g = (X - y0) / sigma,       sigma s -> sNext downwards
 * With h = sigma_{n+1} - sigma_n (signed) and m = sigma_n + h / 2, one step is
 *   x_mid     = x_n + h/2 * [ (1 - c) * u_n + c * g(x_n, sigma_n) ]
 *   x_{n+1}   = x_n + h   * [ (1 - c) * v(x_mid, m) + c * g(x_mid, m) ]
 *   u_{n+1}   = v(x_mid, m)
 * and u_0 = v(x_0, sigma_0) is the one extra call, so N steps cost N + 1 calls (Euler: N).
 *
 * Why this is second order although u_n is the velocity at the previous step's midpoint, not at x_n
 * (FireFlow's reuse): along the solution u_n = v(x_n, sigma_n) - h/2 * dv/dsigma + O(h^2), an O(h)
 * error. It enters x_mid multiplied by h/2, so x_mid is off by O(h^2), the same order as the plain
 * midpoint rule's own Euler half step (exact: x(m) = x_n + h/2 f_n + h^2/8 x''; here
 * x_mid = x_n + h/2 f_n - h^2/4 (1 - c) v'). x_mid reaches x_{n+1} only through h * f(x_mid), so the
 * local error stays O(h^3):
 *   x_{n+1} - x(sigma_{n+1}) = h^3 * [ -J (x''/8 + (1 - c) v'/4) - x'''/24 ] + O(h^4),  J = df/dx,
 * and the global error is O(h^2). The update x_{n+1} = x_n + h * Phi(x_n, x_{n-1}) with Phi Lipschitz
 * is zero-stable, so the local errors add up without amplification. The price of the reuse is the
 * larger constant (the v'/4 term); bench/solver.ts measures it.
 *
 * The controller window: eta jumps to 0 where strength.ts puts the end of the window, and a
 * polynomial method loses its order over a jump. The step that straddles the jump takes the average
 * eta over the step (etasForStrength's fractional eta): its local error is O(h^2) instead of O(h^3),
 * but it is one step, so the global error stays O(h^2). The model velocity is continuous along the
 * path (only its slope jumps), so the reused u stays within O(h). The tests check the order through
 * the window.
 *
 * The singular ends: g is evaluated at sigma_n and at the midpoint, never at the end point of the
 * schedule where 1 / (1 - sigma) or 1 / sigma blows up. The coefficients are folded so that a last
 * step with c = 1 yields the target's bits exactly (gamma = 1 ends on y1, eta = 1 on y0), as the Euler
 * kernels do: the controller reads the midpoint recomputed in float64 (not the float32 copy the model
 * saw), and 1 - m is written as (1 - a) - h/2, so the coefficients are exactly 1/2 and 2.
 *
 * Each kernel returns the sum of (v - v) over the velocity it reads first (NaN when one value is not
 * finite), like the Euler kernels.
 */

/** Inversion half step: yMid = Y + d/2 * [ (1 - gamma) u + gamma (y1 - Y) / (1 - a) ]. */
export function inversionMidpointHalf(
  yMid: Float32Array,
  y: Float32Array,
  u: Float32Array,
  y1: Float32Array,
  a: number,
  aNext: number,
  gamma: number,
): number {
  const half = (aNext - a) / 2;
  const cu = half * (1 - gamma);
  const cy = gamma === 0 ? 0 : (half * gamma) / (1 - a);
  const n = y.length;
  let nonFinite = 0;
  for (let j = 0; j < n; j++) {
    const yj = y[j];
    const uj = u[j];
    nonFinite += uj - uj;
    yMid[j] = yj + cu * uj + cy * (y1[j] - yj);
  }
  return nonFinite;
}

/**
 * Inversion full step, in place: Y += d * [ (1 - gamma) vMid + gamma (y1 - yMid) / (1 - m) ]. Then
 * u = vMid for the next step, in the same pass (u is the engine's own copy, never the model's buffer).
 */
export function inversionMidpointStep(
  y: Float32Array,
  u: Float32Array,
  vMid: Float32Array,
  y1: Float32Array,
  a: number,
  aNext: number,
  gamma: number,
): number {
  const d = aNext - a;
  const half = d / 2;
  const cuHalf = half * (1 - gamma);
  const cyHalf = gamma === 0 ? 0 : (half * gamma) / (1 - a);
  const cv = d * (1 - gamma);
  // 1 - m as (1 - a) - d/2: on the last step (aNext = 1, d = 1 - a) this is exactly d/2.
  const cy = gamma === 0 ? 0 : (d * gamma) / (1 - a - half);
  const n = y.length;
  let nonFinite = 0;
  for (let j = 0; j < n; j++) {
    const yj = y[j];
    const vj = vMid[j];
    nonFinite += vj - vj;
    const mid = yj + cuHalf * u[j] + cyHalf * (y1[j] - yj);
    y[j] = yj + cv * vj + cy * (y1[j] - mid);
    u[j] = vj;
  }
  return nonFinite;
}

/** Editing half step: xMid = X + h/2 * [ (1 - eta) u + eta (X - y0) / s ], h = sNext - s < 0. */
export function controlledOdeMidpointHalf(
  xMid: Float32Array,
  x: Float32Array,
  u: Float32Array,
  y0: Float32Array,
  s: number,
  sNext: number,
  eta: number,
): number {
  const half = (sNext - s) / 2;
  const cu = half * (1 - eta);
  const cx = eta === 0 ? 0 : (half * eta) / s;
  const n = x.length;
  let nonFinite = 0;
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    const uj = u[j];
    nonFinite += uj - uj;
    xMid[j] = xj + cu * uj + cx * (xj - y0[j]);
  }
  return nonFinite;
}

/**
 * Editing full step, in place: X += h * [ (1 - eta) vMid + eta (xMid - y0) / m ], m = s + h/2. Then
 * u = vMid for the next step, in the same pass.
 */
export function controlledOdeMidpointStep(
  x: Float32Array,
  u: Float32Array,
  vMid: Float32Array,
  y0: Float32Array,
  s: number,
  sNext: number,
  eta: number,
): number {
  const h = sNext - s;
  const half = h / 2;
  const cuHalf = half * (1 - eta);
  const cxHalf = eta === 0 ? 0 : (half * eta) / s;
  const cv = h * (1 - eta);
  // On the last step (sNext = 0) m = s/2 exactly, so with eta = 1 this is -2 and the step ends on y0.
  const cx = eta === 0 ? 0 : (h * eta) / (s + half);
  const n = x.length;
  let nonFinite = 0;
  if (eta === 0) {
    // After the control window (most steps): no controller, so the midpoint state is not needed here.
    for (let j = 0; j < n; j++) {
      const vj = vMid[j];
      nonFinite += vj - vj;
      x[j] += cv * vj;
      u[j] = vj;
    }
    return nonFinite;
  }
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    const vj = vMid[j];
    nonFinite += vj - vj;
    const mid = xj + cuHalf * u[j] + cxHalf * (xj - y0[j]);
    x[j] = xj + cv * vj + cx * (mid - y0[j]);
    u[j] = vj;
  }
  return nonFinite;
}
