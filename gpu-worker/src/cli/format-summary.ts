import type { EditImageResult, EditPhase } from "../flux/types.js";

const PHASES: [EditPhase, string][] = [
  ["decode", "decode"],
  ["tokenize", "tokenise"],
  ["textEncode", "text"],
  ["vaeEncode", "vae-enc"],
  ["invert", "invert"],
  ["edit", "edit"],
  ["vaeDecode", "vae-dec"],
  ["encodePng", "png"],
];

export function formatMs(ms: number): string {
  return Math.round(ms) >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** One line: what came out, how many steps and transformer calls ran, where the time went. */
export function formatSummary(
  result: EditImageResult,
  o: {
    steps: number;
    inversionSteps: number;
    strength: number;
    seed: number;
    sampler: string;
    solver: string;
    out: string;
    loadMs: number;
  },
): string {
  const steps = result.inversionCached
    ? `${o.steps} steps (inversion cached)`
    : `${o.inversionSteps}+${o.steps} steps`;
  // The SDE's edit is Euler-Maruyama whatever the solver: only its inversion uses the solver.
  const method = o.sampler === "sde" ? `sde (${o.solver} inversion)` : `ode (${o.solver})`;
  const phases = PHASES.filter(([p]) => result.timingsMs[p] !== undefined)
    .map(([p, label]) => `${label} ${formatMs(result.timingsMs[p] ?? 0)}`)
    .join(", ");
  return (
    `${result.width}x${result.height} PNG -> ${o.out}: ${steps}, ${result.transformerCalls} transformer calls, ` +
    `strength ${o.strength}, seed ${o.seed}, ${method}, ${result.model.name} on ${result.model.executionProvider}; ` +
    `load ${formatMs(o.loadMs)}, ${phases}; total ${formatMs(result.totalMs)}`
  );
}
