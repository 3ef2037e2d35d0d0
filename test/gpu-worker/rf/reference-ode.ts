/**
 * An independent reference for the convergence tests: the controlled ODEs of docs/algorithm.md
 * integrated by the classical fourth-order Runge-Kutta method in float64 with many small steps, with
 * the controller given as a function of sigma and its jumps as explicit break points (each piece is
 * integrated separately, so the jump costs RK4 nothing). Its own error is far below the errors the
 * tests measure; it shares no code with the engine's solvers.
 */

import type { Velocity } from "../../../gpu-worker/src/rf/index.js";

export interface ControlledOde {
  velocity: Velocity;
  /** Controller weight c(sigma) in [0, 1]: gamma for the inversion, eta for the edit. */
  control: (sigma: number) => number;
  /** The controller's pull at sigma: (y1 - x) / (1 - sigma) for the inversion, (x - y0) / sigma for the edit. */
  pull: (x: number, j: number, sigma: number) => number;
}

/** dx/dsigma = (1 - c) v(x, sigma) + c * pull(x, sigma), from `from` to `to`, through `breaks`. */
export async function integrateRk4(
  start: Float32Array,
  ode: ControlledOde,
  from: number,
  to: number,
  breaks: number[],
  stepsPerUnit: number,
): Promise<Float64Array> {
  const points = [from, ...breaks.filter((b) => (b - from) * (to - b) > 0), to].sort((p, q) =>
    from < to ? p - q : q - p,
  );
  let x = Float64Array.from(start);
  for (let piece = 0; piece + 1 < points.length; piece++) {
    const a = points[piece];
    const b = points[piece + 1];
    const n = Math.max(4, Math.ceil(Math.abs(b - a) * stepsPerUnit));
    const h = (b - a) / n;
    // The control is constant on each piece: read it inside the piece, away from the jumps.
    const c = ode.control(a + (b - a) / 2);
    for (let k = 0; k < n; k++) {
      const s = a + k * h;
      const k1 = await drift(x, s, c, ode);
      const k2 = await drift(axpy(x, h / 2, k1), s + h / 2, c, ode);
      const k3 = await drift(axpy(x, h / 2, k2), s + h / 2, c, ode);
      const k4 = await drift(axpy(x, h, k3), s + h, c, ode);
      const next = new Float64Array(x.length);
      for (let j = 0; j < x.length; j++) next[j] = x[j] + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
      x = next;
    }
  }
  return x;
}

async function drift(x: Float64Array, sigma: number, c: number, ode: ControlledOde): Promise<Float64Array> {
  const v = await ode.velocity(Float32Array.from(x), sigma);
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = (1 - c) * v[j] + (c === 0 ? 0 : c * ode.pull(x[j], j, sigma));
  return out;
}

function axpy(x: Float64Array, a: number, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = x[j] + a * y[j];
  return out;
}

/**
 * Where the strength's control window ends, in sigma: strength.ts puts the end at step index
 * (1 - strength) * N / 2 of N, that is at t = 1 - (1 - strength) / 2 on Flux's shifted schedule.
 */
export function windowEndSigma(strength: number, shiftMu: number): number {
  const t = 1 - (1 - strength) / 2;
  const e = Math.exp(shiftMu);
  return e / (e + (1 / t - 1));
}

export function rms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sq = 0;
  for (let j = 0; j < a.length; j++) sq += (a[j] - b[j]) * (a[j] - b[j]);
  return Math.sqrt(sq / a.length);
}
