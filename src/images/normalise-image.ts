import sharp from "sharp";
import { CorruptImageError } from "./errors/corrupt-image-error.js";
import { ImageError } from "./errors/image-error.js";
import { ImageTooLargeError } from "./errors/image-too-large-error.js";
import { NotAnImageError } from "./errors/not-an-image-error.js";
import type { RgbImage } from "./rgb-image.js";

/** The default pixel cap, as `MAX_IMAGE_PIXELS`' default. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * Raster formats we accept. Vector and document formats (SVG, PDF) are refused: they render to any
 * size the file asks for and can reference other resources, which untrusted chat uploads must not do.
 * AVIF and HEIC both report as "heif".
 */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "gif", "heif", "tiff"]);

export interface NormaliseOptions {
  /** Largest width*height accepted (of the first frame). */
  maxPixels?: number;
  /**
   * Picks the output size from the upright input size; the resize then happens inside the decode, so
   * a 40 MP upload never sits in memory as 120 MB of raw pixels (JPEG even shrinks while decoding).
   */
  resizeTo?: (width: number, height: number) => { width: number; height: number };
}

export interface NormalisedImage extends RgbImage {
  /** The input's format as sharp names it ("jpeg", "png", "heif"...). */
  format: string;
}

/**
 * Any accepted upload -> 8-bit sRGB, 3 channels, upright: EXIF orientation applied, alpha flattened onto
 * white, the first frame of an animation, CMYK and 16-bit converted. Throws an `ImageError` subclass
 * (with a `userMessage`) for non-images, damaged files and images over the pixel cap.
 */
export async function normaliseImage(
  input: Uint8Array,
  options: NormaliseOptions = {},
): Promise<NormalisedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (input.byteLength === 0) throw new NotAnImageError("empty input");
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // "error" rejects truncated and broken data; "warning" would also reject many phone JPEGs with
  // harmless quirks in their metadata.
  const open = () =>
    sharp(bytes, { failOn: "error", limitInputPixels: maxPixels, autoOrient: true, pages: 1 });

  let format: string;
  let width = 0;
  let height = 0;
  let upright = { width: 0, height: 0 };
  try {
    const meta = await sharp(bytes, { failOn: "error", limitInputPixels: false, pages: 1 }).metadata();
    format = meta.format ?? "unknown";
    width = meta.width ?? 0;
    height = meta.height ?? 0;
    // Check declared dimensions before decoding so a decompression bomb never gets allocated.
    if (width * height > maxPixels) throw new ImageTooLargeError(width, height, maxPixels);
    upright = meta.autoOrient ?? { width, height };
  } catch (err) {
    throw classify(err, width, height, maxPixels);
  }
  if (!ACCEPTED_FORMATS.has(format)) throw new NotAnImageError(`format ${format} is not accepted`);

  try {
    let pipeline = open();
    const target = options.resizeTo?.(upright.width, upright.height);
    if (target && (target.width !== upright.width || target.height !== upright.height)) {
      pipeline = pipeline.resize(target.width, target.height, { fit: "fill", kernel: "lanczos3" });
    }
    const { data, info } = await pipeline
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new CorruptImageError(`decoded to ${info.channels} channels`);
    return { data, width: info.width, height: info.height, format };
  } catch (err) {
    throw classify(err, width, height, maxPixels);
  }
}

/** Maps sharp's free-text errors onto our typed ones; anything unrecognised counts as damaged data. */
function classify(err: unknown, width: number, height: number, maxPixels: number): Error {
  // Ours already (including a shape refused by `resizeTo`): passed through as they are.
  if (err instanceof ImageError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unsupported image format|input buffer is empty/i.test(message)) {
    return new NotAnImageError(message, { cause: err });
  }
  if (/exceeds pixel limit/i.test(message)) {
    return new ImageTooLargeError(width, height, maxPixels, { cause: err });
  }
  return new CorruptImageError(message.split("\n")[0] ?? message, { cause: err });
}
