/**
 * The inversion's schedule (docs/algorithm.md, "The inversion's end"). With gamma > 0 the controlled
 * forward ODE behaves like (1 - sigma)^gamma next to sigma 1: not smooth, so the error there is set
 * by the length h of the last step (it shrinks like h^gamma), whatever the solver's order. The
 * midpoint solver's inversion therefore spends some of its steps on a graded end: the schedule's
 * last interval [s_1, 1] is split at 1 - h/4, 1 - h/16, ..., each piece a quarter of the one before
 * (a geometric mesh, the usual remedy for a power-law end point). Euler keeps the paper's plain
 * schedule, so it stays the recipe the targets compare against.
 */

import { type FlowSchedule, scheduleSigmas } from "./schedule.js";
import type { Solver } from "./types.js";

/** Extra points the midpoint solver's inversion puts next to sigma 1 (fewer when it has few steps). */
export const INVERSION_END_LEVELS = 3;

/**
 * A descending schedule (s_0 = 1) with its first interval [s_1, 1] split at 1 - (1 - s_1) / 4^j,
 * j = levels .. 1: `levels` more steps, each new interval a quarter of the one below it.
 */
export function gradedEnd(sigmas: ArrayLike<number>, levels: number): Float64Array {
  if (!Number.isSafeInteger(levels) || levels < 0) {
    throw new RangeError(`levels must be an integer >= 0, got ${levels}`);
  }
  if (sigmas.length < 2 || sigmas[0] !== 1) {
    throw new RangeError("gradedEnd needs a descending schedule that starts at sigma 1");
  }
  const h = 1 - sigmas[1];
  const out = new Float64Array(sigmas.length + levels);
  out[0] = 1;
  for (let j = levels; j >= 1; j--) out[levels - j + 1] = 1 - h / 4 ** j;
  for (let i = 1; i < sigmas.length; i++) out[levels + i] = sigmas[i];
  return out;
}

/**
 * The inversion's descending schedule of exactly `steps` steps: the plain schedule for Euler; for the
 * midpoint solver the plain schedule of `steps - levels` steps with a graded end of `levels` steps, so
 * the cost stays `steps + 1` calls.
 */
export function inversionSigmas(
  steps: number,
  seqLen: number,
  schedule: FlowSchedule,
  solver: Solver,
): Float64Array {
  if (solver === "euler" || steps < 2) return scheduleSigmas(steps, seqLen, schedule);
  const levels = Math.min(INVERSION_END_LEVELS, steps - 1);
  return gradedEnd(scheduleSigmas(steps - levels, seqLen, schedule), levels);
}
