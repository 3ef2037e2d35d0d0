/**
 * `npm run edit -- --image in.jpg --prompt "a snowy street" --out out.png`: one edit from the command
 * line, with the same recipe the worker runs. Progress goes to stderr, the summary line to stdout.
 */

import { readFile, writeFile } from "node:fs/promises";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../../../config/index.js";
import { ImageError } from "../../../src/images/errors/image-error.js";
import { normaliseImage } from "../../../src/images/normalise-image.js";
import { createLogger } from "../../../src/logger.js";
import { checkEditParams, editImage } from "../flux/edit-image.js";
import { ModelLoadError } from "../flux/errors/model-load-error.js";
import { PromptTooLongError } from "../flux/errors/prompt-too-long-error.js";
import { loadFluxModel } from "../flux/load-flux-model.js";
import type { EditImageParams, FluxModel } from "../flux/types.js";
import { parseEditArgs, USAGE } from "./edit-args.js";
import { UsageError } from "./errors/usage-error.js";
import { formatSummary } from "./format-summary.js";
import { ProgressBar } from "./progress-bar.js";

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const args = parseEditArgs(argv, config);
  if (!args) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let image: Buffer;
  try {
    image = await readFile(args.image);
  } catch (err) {
    throw new UsageError(`cannot read --image ${args.image}: ${describeFsError(err)}`);
  }

  const params: EditImageParams = {
    image,
    prompt: args.prompt,
    strength: args.strength,
    seed: args.seed,
    steps: args.steps,
    inversionSteps: args.inversionSteps,
    solver: args.solver,
    gamma: args.gamma,
    eta: args.eta,
    sampler: args.sampler,
    guidance: args.guidance,
    inversionSeed: args.inversionSeed,
    targetMegapixels: args.targetMegapixels,
  };
  // Bad settings and unreadable images are reported before the model load, which takes a while for Flux.
  checkEditParams(params);
  await normaliseImage(image);

  // Library logs go to stderr and stay quiet unless asked for, so they never break the progress line.
  const logger = createLogger(
    { name: "rf-edit-cli", level: process.env.LOG_LEVEL ?? "warn" },
    pino.destination(2),
  );
  const loadStarted = performance.now();
  const model: FluxModel = await loadFluxModel({
    dir: args.modelDir,
    executionProvider: config.model.executionProvider,
    textEncoderProvider: config.model.textEncoderProvider,
    vaeProvider: config.model.vaeProvider,
    targetMegapixels: args.targetMegapixels,
    logger,
  });
  const loadMs = performance.now() - loadStarted;
  if (model.info.isDemo) {
    process.stderr.write(
      "note: no --model or MODEL_DIR given, so this runs the tiny demo model: the output is NOT a real edit. " +
        "The demo model recolours by prompt words (winter, sunset, night, ...); connect a Flux model for real edits.\n",
    );
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const bar = new ProgressBar(process.stderr);
  try {
    const result = await editImage(model, params, {
      signal: controller.signal,
      onProgress: (u) => bar.update(u),
    });
    bar.done();
    try {
      await writeFile(args.out, result.png);
    } catch (err) {
      throw new UsageError(`cannot write --out ${args.out}: ${describeFsError(err)}`);
    }
    process.stdout.write(`${formatSummary(result, { ...args, loadMs })}\n`);
    if (model.info.isDemo) process.stdout.write("(tiny demo model: not a real edit)\n");
    return 0;
  } finally {
    bar.done();
    process.off("SIGINT", onSigint);
    await model.close();
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "that is a folder";
  return err instanceof Error ? err.message : String(err);
}

/** Errors a user can fix print as one plain sentence; anything else is a bug and keeps its stack. */
function report(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
  } else if (err instanceof ImageError) {
    process.stderr.write(`error: ${err.userMessage}\n`);
  } else if (err instanceof Error && err.name === "AbortError") {
    process.stderr.write("cancelled\n");
    return 130;
  } else if (
    err instanceof ConfigError ||
    err instanceof ModelLoadError ||
    err instanceof PromptTooLongError ||
    err instanceof RangeError
  ) {
    process.stderr.write(`error: ${err.message}\n`);
  } else {
    process.stderr.write(
      `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err);
  },
);
