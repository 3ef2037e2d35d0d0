/**
 * The demo VAE's basis (docs/demo-model.md): per 8x8 patch, 16 orthonormal 3x8x8 patterns, each a
 * colour vector times a 2-D cosine (DCT-II) pattern. Brightness gets the 10 lowest frequencies, each
 * of the two colour differences the 3 lowest: the eye, and photographs, hold far more detail in
 * brightness than in colour (the reason JPEG subsamples chroma).
 */

export const LATENT_CHANNELS = 16;
export const PATCH = 8;

export interface PatchChannel {
  kind: "luma" | "colour";
  /** Unit colour vector over (R, G, B). */
  colour: [number, number, number];
  /** Vertical and horizontal cosine frequency. */
  u: number;
  v: number;
}

const S3 = 1 / Math.sqrt(3);
const LUMA: [number, number, number] = [S3, S3, S3];
/** Red minus green, and red plus green minus twice blue: orthogonal to each other and to LUMA. */
const COLOUR_A: [number, number, number] = [1 / Math.SQRT2, -1 / Math.SQRT2, 0];
const COLOUR_B: [number, number, number] = [1 / Math.sqrt(6), 1 / Math.sqrt(6), -2 / Math.sqrt(6)];

const LUMA_FREQS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 2],
  [2, 0],
  [1, 2],
  [2, 1],
  [0, 3],
  [3, 0],
];
const COLOUR_FREQS = [
  [0, 0],
  [0, 1],
  [1, 0],
];

/** The 16 channels in latent order: brightness 0-9, colour A 10-12, colour B 13-15. */
export function patchChannels(): PatchChannel[] {
  return [
    ...LUMA_FREQS.map(([u, v]) => ({ kind: "luma" as const, colour: LUMA, u, v })),
    ...COLOUR_FREQS.map(([u, v]) => ({ kind: "colour" as const, colour: COLOUR_A, u, v })),
    ...COLOUR_FREQS.map(([u, v]) => ({ kind: "colour" as const, colour: COLOUR_B, u, v })),
  ];
}

/** The orthonormal DCT-II basis function of frequency u at sample x of 8. */
export function dct(u: number, x: number): number {
  const alpha = u === 0 ? Math.sqrt(1 / PATCH) : Math.sqrt(2 / PATCH);
  return alpha * Math.cos((Math.PI * (2 * x + 1) * u) / (2 * PATCH));
}

/** The basis as a [16, 3, 8, 8] array: channel c's pattern over colour, row, column. Orthonormal. */
export function vaeBasis(): Float32Array {
  const out = new Float32Array(LATENT_CHANNELS * 3 * PATCH * PATCH);
  patchChannels().forEach((p, ch) => {
    for (let col = 0; col < 3; col++) {
      for (let y = 0; y < PATCH; y++) {
        for (let x = 0; x < PATCH; x++) {
          out[((ch * 3 + col) * PATCH + y) * PATCH + x] = p.colour[col] * dct(p.u, y) * dct(p.v, x);
        }
      }
    }
  });
  return out;
}

/**
 * Latent units per basis coefficient. Large on purpose: the rectified flow adds unit-variance noise
 * to the latent, so the larger the picture is in latent units, the less of it that noise hides at a
 * given sigma, and the less noise a posterior sample leaves in the picture (docs/demo-model.md,
 * "Why the latent is large"). The same for every channel, because the basis is orthonormal: equal
 * latent noise is then equal noise on every pixel.
 */
export const LATENT_PER_COEFFICIENT = 100;
