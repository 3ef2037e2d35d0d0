import { fitSize, outputSize } from "./fit-size.js";
import { DEFAULT_MAX_PIXELS, normaliseImage } from "./normalise-image.js";
import { type RgbImage, rawInput } from "./rgb-image.js";

export interface StoredImage {
  bytes: Buffer;
  format: "webp" | "png";
  width: number;
  height: number;
  /** The upload's own format and size, for logs. */
  source: { format: string; width: number; height: number };
}

export interface EncodeForStoreOptions {
  /** Working area in Flux megapixels (TARGET_MEGAPIXELS). */
  targetMegapixels: number;
  /** Largest upload accepted, in pixels (MAX_IMAGE_PIXELS). */
  maxPixels?: number;
}

/**
 * An upload -> what the image store keeps: normalised (upright sRGB, no alpha) and no larger than
 * the worker will ever use, i.e. the size the result is delivered at (`outputSize`: the upload's own
 * size when it fits the working area, else the working area at its aspect ratio). Encoded both as
 * lossless WebP and as PNG, and the smaller one kept: on photographs WebP is about a quarter smaller,
 * on flat graphics PNG sometimes wins. Both are lossless, so the worker edits exactly these pixels.
 * Throws the same `ImageError`s as `normaliseImage` for anything that does not decode.
 */
export async function encodeForStore(input: Uint8Array, o: EncodeForStoreOptions): Promise<StoredImage> {
  let source = { width: 0, height: 0 };
  const image = await normaliseImage(input, {
    maxPixels: o.maxPixels ?? DEFAULT_MAX_PIXELS,
    resizeTo: (width, height) => {
      source = { width, height };
      return storedSize(width, height, o.targetMegapixels);
    },
  });
  const [webp, png] = await Promise.all([encodeWebpLossless(image), encodePngSmall(image)]);
  const smaller =
    webp.length <= png.length
      ? { bytes: webp, format: "webp" as const }
      : { bytes: png, format: "png" as const };
  return {
    ...smaller,
    width: image.width,
    height: image.height,
    source: { format: image.format, ...source },
  };
}

/**
 * The size kept for a `width` x `height` upload: never upscaled, never above the working area. A
 * picture too elongated to edit throws ImageShapeError here, so it is refused before it is stored.
 */
export function storedSize(
  width: number,
  height: number,
  targetMegapixels: number,
): { width: number; height: number } {
  return outputSize({ width, height }, fitSize(width, height, { targetMegapixels }));
}

/** Effort 1 of 6: within 1-2% of the best size on photographs at a third of the time. */
function encodeWebpLossless(image: RgbImage): Promise<Buffer> {
  return rawInput(image).webp({ lossless: true, effort: 1 }).toBuffer();
}

/** Level 6 with adaptive filtering: a little smaller than the worker's fast level 3 at ~100 ms/MP. */
function encodePngSmall(image: RgbImage): Promise<Buffer> {
  return rawInput(image).png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
}
