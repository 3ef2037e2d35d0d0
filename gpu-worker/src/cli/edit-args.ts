import { parseArgs } from "node:util";
import type { Config } from "../../../config/index.js";
import { editSteps } from "../../../config/index.js";
import type { Sampler, Solver } from "../flux/types.js";
import { UsageError } from "./errors/usage-error.js";

export const USAGE = `Usage: npm run edit -- --image IN --prompt TEXT --out OUT.png [options]

Edits IN towards TEXT with RF-Inversion on Flux and writes a PNG.

  --image PATH          input image (JPEG, PNG, WebP, GIF, AVIF, HEIC, TIFF)
  --prompt TEXT         what the picture should become
  --out PATH            where to write the PNG
  --strength 0..1       0 keeps the picture, 1 lets the prompt take over (default from config, 0.5)
  --seed N              seed of the stochastic sampler (default 0)
  --steps N             steps of the edit (default 28; 10 with --sampler ode --solver midpoint)
  --sampler ode|sde     deterministic ODE or the paper's stochastic sampler (default sde)
  --solver euler|midpoint
                        how the ODEs are integrated: midpoint is second order and costs one
                        transformer call per step plus one, euler one per step (default midpoint);
                        the SDE sampler's edit is Euler-Maruyama either way
  --inversion-steps N   steps of the inversion (default: the edit's; 10 with sde and midpoint)
  --model DIR           Flux ONNX folder (Optimum layout); default MODEL_DIR, else the tiny demo model
  --gamma 0..1          inversion controller strength (default 0.5)
  --eta 0..1            editing controller strength (default 0.9)
  --guidance G          guidance of FLUX.1-dev (default 3.5)
  --megapixels MP       working size in units of 1024x1024 (default 1)
  --inversion-seed N    seed of the inversion noise (default 0)
  -h, --help            show this text`;

export interface EditArgs {
  image: string;
  prompt: string;
  out: string;
  modelDir?: string;
  strength: number;
  seed: number;
  steps: number;
  inversionSteps: number;
  sampler: Sampler;
  solver: Solver;
  gamma: number;
  eta: number;
  guidance: number;
  targetMegapixels: number;
  inversionSeed: number;
}

/** Parses argv (without node and the script); returns null when help was asked for. */
export function parseEditArgs(argv: string[], config: Config): EditArgs | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        image: { type: "string" },
        prompt: { type: "string" },
        out: { type: "string" },
        model: { type: "string" },
        strength: { type: "string" },
        seed: { type: "string" },
        steps: { type: "string" },
        sampler: { type: "string" },
        solver: { type: "string" },
        "inversion-steps": { type: "string" },
        gamma: { type: "string" },
        eta: { type: "string" },
        guidance: { type: "string" },
        megapixels: { type: "string" },
        "inversion-seed": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return null;

  const text = (name: string): string => {
    const v = values[name];
    if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
    return v;
  };
  function num(name: string, fallback: number, integer?: boolean): number;
  function num(name: string, fallback: undefined, integer: true): number | undefined;
  function num(name: string, fallback: number | undefined, integer = false): number | undefined {
    const v = values[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (
      typeof v !== "string" ||
      v.trim() === "" ||
      !Number.isFinite(n) ||
      (integer && !Number.isSafeInteger(n))
    ) {
      throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"}, got "${String(v)}"`);
    }
    return n;
  }
  const sampler = values.sampler ?? config.defaults.sampler;
  if (sampler !== "ode" && sampler !== "sde")
    throw new UsageError(`--sampler must be ode or sde, got "${sampler}"`);
  const solver = values.solver ?? config.defaults.solver;
  if (solver !== "euler" && solver !== "midpoint")
    throw new UsageError(`--solver must be euler or midpoint, got "${solver}"`);
  const { steps, inversionSteps } = editSteps(config.defaults, {
    sampler,
    solver,
    steps: num("steps", undefined, true),
    inversionSteps: num("inversion-steps", undefined, true),
  });

  return {
    image: text("image"),
    prompt: text("prompt"),
    out: text("out"),
    modelDir: typeof values.model === "string" ? values.model : config.model.dir,
    strength: num("strength", config.defaults.strength),
    seed: num("seed", 0, true),
    steps,
    inversionSteps,
    sampler,
    solver,
    gamma: num("gamma", config.defaults.gamma),
    eta: num("eta", config.defaults.eta),
    guidance: num("guidance", config.defaults.guidance),
    targetMegapixels: num("megapixels", config.limits.targetMegapixels),
    inversionSeed: num("inversion-seed", config.defaults.inversionSeed, true),
  };
}
