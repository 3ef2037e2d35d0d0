/**
 * The editing recipe, start to finish, in the order of docs/algorithm.md: the one function the queue
 * worker and the command line call. Each step names the module that does the work, so this file reads
 * like the algorithm; the math lives in ../rf, the model calls behind FluxModel, the pixels in
 * src/images.
 */

import { encodePng } from "../../../src/images/encode-png.js";
import { fitSize, outputSize } from "../../../src/images/fit-size.js";
import { normaliseImage } from "../../../src/images/normalise-image.js";
import { planarToRgb, rgbToPlanar } from "../../../src/images/planar.js";
import { resizeRgb } from "../../../src/images/rgb-image.js";
import { createLogger, type Logger } from "../../../src/logger.js";
import {
  checkSolver,
  DEV_SCHEDULE,
  edit,
  editSolver,
  etasForStrength,
  gaussianNoise,
  imageSeqLen,
  inversionSigmas,
  invert,
  scheduleSigmas,
  type Velocity,
} from "../rf/index.js";
import { inversionKey, sha256Hex } from "./inversion-key.js";
import { latentImageIds } from "./latent-ids.js";
import { PACKED_CHANNELS, packLatents, unpackLatents } from "./packing.js";
import type {
  EditImageOptions,
  EditImageParams,
  EditImageResult,
  EditPhase,
  FluxModel,
  InversionCache,
  InversionEntry,
  ProgressUpdate,
  PromptEmbedding,
} from "./types.js";

/** For callers that pass no logger of their own. */
const defaultLog = createLogger({ name: "edit-image" });

/** Most steps we accept: beyond this the schedule's steps are far below the model's resolution. */
export const MAX_STEPS = 1000;

/** The empty prompt's embedding is the same for every inversion: compute it once per model. */
const emptyPromptByModel = new WeakMap<FluxModel, Promise<PromptEmbedding>>();

export async function editImage(
  model: FluxModel,
  params: EditImageParams,
  options: EditImageOptions = {},
): Promise<EditImageResult> {
  checkEditParams(params);
  const { signal, cache } = options;
  const log = options.logger ?? defaultLog;
  const started = performance.now();
  const timingsMs: Partial<Record<EditPhase, number>> = {};
  const timed = async <T>(phase: EditPhase, work: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timingsMs[phase] = (timingsMs[phase] ?? 0) + performance.now() - t0;
    }
  };
  const progress = (update: ProgressUpdate) => options.onProgress?.(update);
  let transformerCalls = 0;
  const { steps, solver } = params;
  const inversionSteps = params.inversionSteps ?? steps;

  throwIfAborted(signal);
  progress({ phase: "preparing", step: 0, total: 1 });

  // 1. Decode the upload and fit it to the working size (multiples of 16, about targetMegapixels).
  const { input, working } = await timed("decode", async () => {
    const input = await normaliseImage(params.image);
    const working = fitSize(input.width, input.height, { targetMegapixels: params.targetMegapixels });
    return { input, working };
  });
  const { width, height } = working;
  const latentH = height / 8;
  const latentW = width / 8;
  const seqLen = imageSeqLen(width, height);
  const imgIds = latentImageIds(width, height);
  throwIfAborted(signal);

  // 2. Look the inversion up: it depends only on the image, size, its steps and solver, gamma, inversion
  // seed and model.
  const key = inversionKey({
    imageSha256: sha256Hex(params.image),
    width,
    height,
    steps: inversionSteps,
    solver,
    gamma: params.gamma,
    inversionSeed: params.inversionSeed,
    modelId: model.info.id,
  });
  const cached = cache ? await readCache(cache, key, width, height, seqLen, log) : null;

  // 3. Text features: the target prompt, and (only when inverting) the empty prompt.
  const target = await timed("textEncode", () => model.encodePrompt(params.prompt));
  throwIfAborted(signal);

  // One velocity per prompt; each call checks for an abort first, so a cancel lands between steps.
  const velocityFor =
    (text: PromptEmbedding, guidance: number): Velocity =>
    (x, sigma) => {
      throwIfAborted(signal);
      transformerCalls++;
      return model.transformer({ hiddenStates: x, sigma, text, guidance, imgIds, seqLen });
    };

  // 4. Schedules: the sigmas the model's scheduler config asks for (dev: shifted by token count),
  //    one per pass (their steps may differ).
  const schedule = model.info.schedule ?? DEV_SCHEDULE;
  const sigmas = scheduleSigmas(steps, seqLen, schedule);

  let y0: Float32Array;
  let inverted: Float32Array;
  if (cached) {
    ({ y0, inverted } = cached);
  } else {
    const empty = await timed("textEncode", () => emptyPrompt(model));
    // 5. VAE encode (mean latent, shifted and scaled by the model) and 2x2 pack to [L, 64]. Only
    // here are the pixels needed at the working size: a cache hit skips the resize too.
    const pixels = await timed("decode", async () =>
      rgbToPlanar(await resizeRgb(input, working.width, working.height)),
    );
    const latent = await timed("vaeEncode", () => model.vaeEncode(pixels, width, height));
    y0 = packLatents(latent, latentH, latentW);
    throwIfAborted(signal);

    // 6. Invert: controlled forward ODE towards seeded noise y1, empty prompt, guidance 0.
    progress({ phase: "inverting", step: 0, total: inversionSteps });
    const noise = gaussianNoise(seqLen * PACKED_CHANNELS, params.inversionSeed);
    inverted = await timed("invert", () =>
      invert(y0, velocityFor(empty, 0), {
        sigmas: inversionSigmas(inversionSteps, seqLen, schedule, solver),
        gamma: params.gamma,
        noise,
        solver,
        onStep: (k, n) => {
          throwIfAborted(signal);
          progress({ phase: "inverting", step: k, total: n });
        },
      }),
    );
    if (cache) await writeCache(cache, key, { width, height, y0, inverted }, log);
  }
  throwIfAborted(signal);

  // 7. Edit: controlled reverse ODE/SDE with the target prompt, pulled to y0 as strength dictates. The
  // SDE sampler steps by Euler-Maruyama whatever the solver.
  progress({ phase: "editing", step: 0, total: steps });
  const etas = etasForStrength(params.strength, steps, params.eta);
  const edited = await timed("edit", () =>
    edit(inverted, y0, velocityFor(target, params.guidance), {
      sigmas,
      etas,
      sampler: params.sampler,
      solver: editSolver(params.sampler, solver),
      seed: params.seed,
      onStep: (i, n) => {
        throwIfAborted(signal);
        progress({ phase: "editing", step: i, total: n });
      },
    }),
  );

  // 8. Unpack and decode to pixels.
  progress({ phase: "finishing", step: 0, total: 1 });
  const decoded = await timed("vaeDecode", () =>
    model.vaeDecode(unpackLatents(edited, latentH, latentW), width, height),
  );
  throwIfAborted(signal);

  // 9. Back to the input's aspect ratio and size (see outputSize), then PNG.
  const out = outputSize(input, working);
  const png = await timed("encodePng", async () => {
    const rgb = await resizeRgb(planarToRgb(decoded, width, height), out.width, out.height);
    return encodePng(rgb);
  });
  progress({ phase: "finishing", step: 1, total: 1 });

  return {
    png,
    width: out.width,
    height: out.height,
    timingsMs,
    totalMs: performance.now() - started,
    transformerCalls,
    inversionCached: cached !== null,
    model: model.info,
  };
}

function emptyPrompt(model: FluxModel): Promise<PromptEmbedding> {
  let pending = emptyPromptByModel.get(model);
  if (!pending) {
    pending = model.encodePrompt("");
    emptyPromptByModel.set(model, pending);
    // A failure must not stick: the next edit tries again.
    pending.catch(() => emptyPromptByModel.delete(model));
  }
  return pending;
}

/** A cache that is down or holds a malformed entry costs a re-inversion, never a failed edit. */
async function readCache(
  cache: InversionCache,
  key: string,
  width: number,
  height: number,
  seqLen: number,
  log: Logger,
): Promise<InversionEntry | null> {
  try {
    const entry = await cache.get(key);
    if (!entry) return null;
    const n = seqLen * PACKED_CHANNELS;
    if (
      entry.width !== width ||
      entry.height !== height ||
      entry.y0.length !== n ||
      entry.inverted.length !== n
    ) {
      log.warn({ key }, "inversion cache entry has the wrong shape; inverting again");
      return null;
    }
    return entry;
  } catch (err) {
    log.warn({ err, key }, "inversion cache read failed; inverting again");
    return null;
  }
}

async function writeCache(
  cache: InversionCache,
  key: string,
  entry: InversionEntry,
  log: Logger,
): Promise<void> {
  try {
    await cache.set(key, entry);
  } catch (err) {
    log.warn({ err, key }, "inversion cache write failed; the next re-run will invert again");
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") throw reason;
  const err = new DOMException("The edit was cancelled", "AbortError");
  if (reason !== undefined) Object.defineProperty(err, "cause", { value: reason });
  throw err;
}

/** Throws a RangeError naming the first parameter that is out of range; editImage calls it first. */
export function checkEditParams(p: EditImageParams): void {
  if (!(p.image instanceof Uint8Array) || p.image.byteLength === 0) {
    throw new RangeError("image must be a non-empty Uint8Array of image bytes");
  }
  if (typeof p.prompt !== "string") throw new RangeError("prompt must be a string");
  unit("strength", p.strength);
  unit("gamma", p.gamma);
  unit("eta", p.eta);
  if (!(Number.isInteger(p.steps) && p.steps >= 1 && p.steps <= MAX_STEPS)) {
    throw new RangeError(`steps must be an integer from 1 to ${MAX_STEPS}, got ${p.steps}`);
  }
  const inv = p.inversionSteps;
  if (inv !== undefined && !(Number.isInteger(inv) && inv >= 1 && inv <= MAX_STEPS)) {
    throw new RangeError(`inversionSteps must be an integer from 1 to ${MAX_STEPS}, got ${inv}`);
  }
  checkSolver(p.solver);
  if (p.sampler !== "ode" && p.sampler !== "sde") {
    throw new RangeError(`sampler must be "ode" or "sde", got ${String(p.sampler)}`);
  }
  if (!(Number.isFinite(p.guidance) && p.guidance >= 0)) {
    throw new RangeError(`guidance must be a number >= 0, got ${p.guidance}`);
  }
  if (!Number.isSafeInteger(p.seed)) throw new RangeError(`seed must be an integer, got ${p.seed}`);
  if (!Number.isSafeInteger(p.inversionSeed)) {
    throw new RangeError(`inversionSeed must be an integer, got ${p.inversionSeed}`);
  }
  if (p.targetMegapixels !== undefined && !(Number.isFinite(p.targetMegapixels) && p.targetMegapixels > 0)) {
    throw new RangeError(`targetMegapixels must be a positive number, got ${p.targetMegapixels}`);
  }
}

function unit(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number from 0 to 1, got ${value}`);
  }
}
