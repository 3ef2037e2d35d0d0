/**
 * Input checks of the engine. Everything the engine rejects is a RangeError that says what was wrong,
 * before any velocity call is spent (except the velocity's own output, checked every step).
 */

import { VelocityOutputError } from "./errors/velocity-output-error.js";

/**
 * The schedule must be s_0 = 1 > s_1 > ... > s_N = 0 with N >= 1: the equations divide by s_i and by
 * 1 - s_i (i >= 1), which is only safe on exactly this shape. Returns N.
 */
export function checkSchedule(sigmas: ArrayLike<number>): number {
  if (sigmas.length < 2) {
    throw new RangeError(
      `sigmas must hold at least 2 values (one step), got ${sigmas.length}; fewer than one step`,
    );
  }
  const n = sigmas.length - 1;
  if (sigmas[0] !== 1 || sigmas[n] !== 0) {
    throw new RangeError(`sigmas must descend from 1 to 0, got first ${sigmas[0]} and last ${sigmas[n]}`);
  }
  for (let i = 0; i < n; i++) {
    if (!(sigmas[i + 1] < sigmas[i])) {
      throw new RangeError(
        `sigmas must be strictly descending from 1 to 0, but s_${i} = ${sigmas[i]} and s_${i + 1} = ${sigmas[i + 1]}`,
      );
    }
  }
  return n;
}

export function checkSameLength(
  name: string,
  a: ArrayLike<number>,
  otherName: string,
  b: ArrayLike<number>,
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `${name} has length ${a.length} but ${otherName} has length ${b.length}; they must match`,
    );
  }
}

export function checkLatent(name: string, x: Float32Array): void {
  if (x.length === 0) throw new RangeError(`${name} is empty`);
  const bad = firstNonFinite(x);
  if (bad >= 0) throw new RangeError(`${name}[${bad}] is ${x[bad]}; latents must be finite`);
}

/**
 * A per-step control strength (gamma or eta) in [0, 1], given once or per step. Returns it per step.
 */
export function perStepUnitValues(
  name: string,
  value: number | ArrayLike<number>,
  steps: number,
): Float64Array {
  const out = new Float64Array(steps);
  if (typeof value === "number") {
    out.fill(value);
  } else {
    if (value.length !== steps) {
      throw new RangeError(
        `${name} has ${value.length} values but the schedule has ${steps} steps; they must match`,
      );
    }
    for (let i = 0; i < steps; i++) out[i] = value[i];
  }
  for (let i = 0; i < steps; i++) {
    const v = out[i];
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(
        typeof value === "number"
          ? `${name} must be in [0, 1], got ${v}`
          : `${name}[${i}] must be in [0, 1], got ${v}`,
      );
    }
  }
  return out;
}

/** Index of the first NaN or infinity, or -1. */
function firstNonFinite(x: Float32Array): number {
  const n = x.length;
  for (let j = 0; j < n; j++) {
    // x - x is 0 for every finite x and NaN for NaN and both infinities.
    if (x[j] - x[j] !== 0) return j;
  }
  return -1;
}

function where(phase: Phase, step: number, steps: number, sigma: number): string {
  return `${phase} step ${step + 1} of ${steps} (sigma ${sigma})`;
}

export type Phase = "inversion" | "editing";

/** The velocity's output must be a Float32Array of the state's length; checked before the step. */
export function checkVelocityShape(
  v: unknown,
  length: number,
  phase: Phase,
  step: number,
  steps: number,
  sigma: number,
): Float32Array {
  if (!(v instanceof Float32Array)) {
    throw new VelocityOutputError(
      `velocity at ${where(phase, step, steps, sigma)} did not return a Float32Array`,
      phase,
      step,
      sigma,
    );
  }
  if (v.length !== length) {
    throw new VelocityOutputError(
      `velocity at ${where(phase, step, steps, sigma)} returned length ${v.length}, expected ${length}`,
      phase,
      step,
      sigma,
    );
  }
  return v;
}

/**
 * The kernels report a non-finite velocity value as a non-zero (NaN) sum; this names the first one.
 * Call it after every step with the kernel's result.
 */
export function checkVelocityFinite(
  nonFinite: number,
  v: Float32Array,
  phase: Phase,
  step: number,
  steps: number,
  sigma: number,
): void {
  if (nonFinite === 0) return;
  const bad = firstNonFinite(v);
  throw new VelocityOutputError(
    `velocity at ${where(phase, step, steps, sigma)} returned ${v[bad]} at index ${bad}`,
    phase,
    step,
    sigma,
  );
}
