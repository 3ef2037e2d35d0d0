/**
 * The solver choice as values (types.ts has the type): what the settings, the CLI and the job schema
 * accept, and what an integration costs in model calls.
 */

import type { Sampler, Solver } from "./types.js";

export const SOLVERS = ["euler", "midpoint"] as const satisfies readonly Solver[];

export function checkSolver(solver: unknown): Solver {
  if (solver !== "euler" && solver !== "midpoint") {
    throw new RangeError(`solver must be "euler" or "midpoint", got ${String(solver)}`);
  }
  return solver;
}

/** Model calls one ODE integration of `steps` steps costs: the midpoint solver's extra first call. */
export function solverCalls(solver: Solver, steps: number): number {
  return solver === "midpoint" ? steps + 1 : steps;
}

/** The edit's integrator: the SDE sampler is Euler-Maruyama whatever the solver setting. */
export function editSolver(sampler: Sampler, solver: Solver): Solver {
  return sampler === "sde" ? "euler" : solver;
}

/** Model calls of a whole edit: the inversion (0 when cached) and the edit. */
export function editCalls(o: {
  sampler: Sampler;
  solver: Solver;
  steps: number;
  inversionSteps: number;
  inversionCached: boolean;
}): number {
  const inversion = o.inversionCached ? 0 : solverCalls(o.solver, o.inversionSteps);
  return inversion + solverCalls(editSolver(o.sampler, o.solver), o.steps);
}
