import { sha256Hex } from "../../../src/images/content-hash.js";

export { sha256Hex };

/**
 * Bump when anything that shapes the inverted latent changes (schedule, inversion loop or its end grading, packing,
 * image preprocessing), so stale cache entries are never reused.
 */
export const INVERSION_KEY_VERSION = 3;

/**
 * Everything the inversion depends on; nothing it does not (strength, prompt, seed, eta, sampler, the
 * edit's step count).
 */
export interface InversionKeyParts {
  /** sha256 (hex) of the input image bytes. */
  imageSha256: string;
  width: number;
  height: number;
  /** The inversion's own step count (it may differ from the edit's). */
  steps: number;
  /** The inversion's integrator: Euler and midpoint land on different latents. */
  solver: string;
  gamma: number;
  inversionSeed: number;
  modelId: string;
}

/** A compact, stable cache key: `inv:v3:<sha256 of the parts>`; the caller adds its own key prefix. */
export function inversionKey(parts: InversionKeyParts): string {
  const canonical = JSON.stringify([
    INVERSION_KEY_VERSION,
    parts.imageSha256,
    parts.width,
    parts.height,
    parts.steps,
    parts.solver,
    parts.gamma,
    parts.inversionSeed,
    parts.modelId,
  ]);
  return `inv:v${INVERSION_KEY_VERSION}:${sha256Hex(canonical)}`;
}
