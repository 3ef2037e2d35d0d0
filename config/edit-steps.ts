import type { Config } from "./config.js";

/**
 * Step counts when the settings leave them open, chosen from bench/solver.ts (docs/algorithm.md,
 * "Choosing the defaults"): the midpoint solver at 10 steps (11 transformer calls, the inversion on
 * its graded end) is at least as close as Euler at 28 steps to a 200-step Euler reference and to a
 * 1000-step midpoint one, on each ODE and through the whole pipeline; 10 is also the fewest steps at
 * which the edit alone is no less accurate than Euler's 28.
 */
export const EULER_STEPS = 28;
export const MIDPOINT_STEPS = 10;

type Defaults = Pick<Config["defaults"], "steps" | "inversionSteps">;

/**
 * The edit's and the inversion's step counts for a sampler and solver. Explicit values (a request's,
 * else the settings') win. The edit takes 10 steps only when the midpoint solver integrates it (the
 * ODE sampler); the SDE sampler is Euler-Maruyama, first order, so it keeps 28. The inversion is an ODE
 * under both samplers: with the midpoint solver under the SDE sampler it takes 10 steps of its own (or
 * the edit's count when that is smaller), otherwise the edit's count (the paper's symmetric recipe).
 */
export function editSteps(
  defaults: Defaults,
  o: { sampler: "ode" | "sde"; solver: "euler" | "midpoint"; steps?: number; inversionSteps?: number },
): { steps: number; inversionSteps: number } {
  const midpointEdit = o.sampler === "ode" && o.solver === "midpoint";
  const steps = o.steps ?? defaults.steps ?? (midpointEdit ? MIDPOINT_STEPS : EULER_STEPS);
  const inversionSteps =
    o.inversionSteps ??
    defaults.inversionSteps ??
    (o.solver === "midpoint" && o.sampler === "sde" ? Math.min(steps, MIDPOINT_STEPS) : steps);
  return { steps, inversionSteps };
}
