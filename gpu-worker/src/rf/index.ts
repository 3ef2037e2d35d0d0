/**
 * The RF-Inversion engine: pure functions on packed Float32Array latents, exactly the equations of
 * docs/algorithm.md (Rout et al., arXiv 2410.10792) in Flux's convention (sigma = 1 noise, 0 image).
 */

export { edit } from "./edit.js";
export { VelocityOutputError } from "./errors/velocity-output-error.js";
export { gradedEnd, INVERSION_END_LEVELS, inversionSigmas } from "./inversion-schedule.js";
export { invert } from "./invert.js";
export { gaussianNoise } from "./noise.js";
export {
  DEV_SCHEDULE,
  type FlowSchedule,
  fluxSigmas,
  imageSeqLen,
  SCHNELL_SCHEDULE,
  scheduleSigmas,
  shiftMu,
} from "./schedule.js";
export { checkSolver, editCalls, editSolver, SOLVERS, solverCalls } from "./solver.js";
export { DEFAULT_ETA, etasForStrength } from "./strength.js";
export type { EditOptions, InvertOptions, OnStep, Sampler, Solver, Velocity } from "./types.js";
