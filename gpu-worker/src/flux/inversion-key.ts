import { sha256Hex } from "../../../src/images/content-hash.js";

export { sha256Hex };

/**
 * Bump when anything that shapes the inverted latent changes (schedule, inversion loop, packing,
 * image preprocessing), so stale cache entries are never reused.
 */
export const INVERSION_KEY_VERSION = 1;

/** Everything the inversion depends on; nothing it does not (strength, prompt, seed, eta, sampler). */
export interface InversionKeyParts {
  /** sha256 (hex) of the input image bytes. */
  imageSha256: string;
  width: number;
  height: number;
  steps: number;
  gamma: number;
  inversionSeed: number;
  modelId: string;
}

/** A compact, stable cache key: `inv:v1:<sha256 of the parts>`; the caller adds its own key prefix. */
export function inversionKey(parts: InversionKeyParts): string {
  const canonical = JSON.stringify([
    INVERSION_KEY_VERSION,
    parts.imageSha256,
    parts.width,
    parts.height,
    parts.steps,
    parts.gamma,
    parts.inversionSeed,
    parts.modelId,
  ]);
  return `inv:v${INVERSION_KEY_VERSION}:${sha256Hex(canonical)}`;
}
