/**
 * Flux's shifted sigma schedule (docs/algorithm.md, "Schedule"). sigma = 1 is pure noise, 0 the image.
 */

/** Flux's shift interpolates mu linearly in the token count between these anchors (and extrapolates). */
const BASE_SEQ_LEN = 256;
const MAX_SEQ_LEN = 4096;
const BASE_SHIFT = 0.5;
const MAX_SHIFT = 1.15;

/** Number of packed latent tokens: one per 16x16 pixel patch (8x VAE, then 2x2 packing). */
export function imageSeqLen(width: number, height: number): number {
  for (const [name, value] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 16 || value % 16 !== 0) {
      throw new RangeError(`${name} must be a positive multiple of 16, got ${value}`);
    }
  }
  return (height / 16) * (width / 16);
}

/**
 * How a model's sigmas are shifted, as its scheduler/scheduler_config.json (diffusers'
 * FlowMatchEulerDiscreteScheduler) says: FLUX.1-dev shifts by resolution (use_dynamic_shifting, mu
 * linear in the token count between the base and max anchors); FLUX.1-schnell is trained on the
 * unshifted schedule (no dynamic shifting, shift 1).
 */
export interface FlowSchedule {
  useDynamicShifting: boolean;
  /** The static shift, used when useDynamicShifting is false: s = shift t / (1 + (shift - 1) t). */
  shift: number;
  baseImageSeqLen: number;
  maxImageSeqLen: number;
  baseShift: number;
  maxShift: number;
}

/** FLUX.1-dev's scheduler config. */
export const DEV_SCHEDULE: FlowSchedule = {
  useDynamicShifting: true,
  shift: 3,
  baseImageSeqLen: BASE_SEQ_LEN,
  maxImageSeqLen: MAX_SEQ_LEN,
  baseShift: BASE_SHIFT,
  maxShift: MAX_SHIFT,
};

/** FLUX.1-schnell's scheduler config: the plain linear schedule. */
export const SCHNELL_SCHEDULE: FlowSchedule = { ...DEV_SCHEDULE, useDynamicShifting: false, shift: 1 };

/** The schedule shift mu for a given token count L: 0.5 at L = 256, 1.15 at L = 4096 (by default). */
export function shiftMu(seqLen: number, schedule: FlowSchedule = DEV_SCHEDULE): number {
  if (!Number.isSafeInteger(seqLen) || seqLen < 1) {
    throw new RangeError(`seqLen must be a positive integer, got ${seqLen}`);
  }
  const { baseImageSeqLen, maxImageSeqLen, baseShift, maxShift } = schedule;
  return (
    baseShift + ((seqLen - baseImageSeqLen) * (maxShift - baseShift)) / (maxImageSeqLen - baseImageSeqLen)
  );
}

/**
 * The descending schedule for a model's scheduler config: dynamic shifting as fluxSigmas, otherwise
 * the static shift s_i = shift t_i / (1 + (shift - 1) t_i), t_i = 1 - i/N (shift 1: linear); s_N = 0.
 */
export function scheduleSigmas(steps: number, seqLen: number, schedule: FlowSchedule): Float64Array {
  if (schedule.useDynamicShifting) return shiftedSigmas(steps, Math.exp(shiftMu(seqLen, schedule)));
  if (!Number.isSafeInteger(seqLen) || seqLen < 1) {
    throw new RangeError(`seqLen must be a positive integer, got ${seqLen}`);
  }
  if (!(Number.isFinite(schedule.shift) && schedule.shift > 0)) {
    throw new RangeError(`shift must be a positive number, got ${schedule.shift}`);
  }
  // shift t / (1 + (shift - 1) t) is the dynamic form with e^mu = shift: one code path for both.
  return shiftedSigmas(steps, schedule.shift);
}

/**
 * The descending denoising schedule s_0 = 1 > s_1 > ... > s_N = 0, N = steps + 1 values:
 * s_i = e^mu / (e^mu + (1/t_i - 1)) with t_i = 1 - i/N for i < N, and s_N = 0.
 */
export function fluxSigmas(steps: number, seqLen: number): Float64Array {
  return shiftedSigmas(steps, Math.exp(shiftMu(seqLen)));
}

/** s_i = k / (k + (1/t_i - 1)): k = e^mu (dynamic) or the static shift, which are the same curve. */
function shiftedSigmas(steps: number, expMu: number): Float64Array {
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new RangeError(`steps must be an integer >= 1, got ${steps}`);
  }
  const sigmas = new Float64Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    // 1/t_i - 1 with t_i = (N - i)/N, written as i/(N - i) so that s_0 is exactly 1.
    sigmas[i] = expMu / (expMu + i / (steps - i));
  }
  sigmas[steps] = 0;
  return sigmas;
}
