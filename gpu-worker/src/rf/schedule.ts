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

/** The schedule shift mu for a given token count L: 0.5 at L = 256, 1.15 at L = 4096. */
export function shiftMu(seqLen: number): number {
  if (!Number.isSafeInteger(seqLen) || seqLen < 1) {
    throw new RangeError(`seqLen must be a positive integer, got ${seqLen}`);
  }
  return BASE_SHIFT + ((seqLen - BASE_SEQ_LEN) * (MAX_SHIFT - BASE_SHIFT)) / (MAX_SEQ_LEN - BASE_SEQ_LEN);
}

/**
 * The descending denoising schedule s_0 = 1 > s_1 > ... > s_N = 0, N = steps + 1 values:
 * s_i = e^mu / (e^mu + (1/t_i - 1)) with t_i = 1 - i/N for i < N, and s_N = 0.
 */
export function fluxSigmas(steps: number, seqLen: number): Float64Array {
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new RangeError(`steps must be an integer >= 1, got ${steps}`);
  }
  const expMu = Math.exp(shiftMu(seqLen));
  const sigmas = new Float64Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    // 1/t_i - 1 with t_i = (N - i)/N, written as i/(N - i) so that s_0 is exactly 1.
    sigmas[i] = expMu / (expMu + i / (steps - i));
  }
  sigmas[steps] = 0;
  return sigmas;
}
