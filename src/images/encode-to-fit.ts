import sharp from "sharp";

export type FittedFormat = "png" | "webp" | "jpeg";

export interface FittedImage {
  bytes: Buffer;
  format: FittedFormat;
  contentType: string;
  extension: string;
  /** Lossy quality used (1-100); undefined for the untouched PNG. */
  quality?: number;
  /** Width and height factor against the PNG (1: full size). */
  scale: number;
}

/**
 * Lossy encodings tried in turn when the PNG is too large, best first: high-quality WebP (smaller
 * than JPEG at the same look on photos), then JPEG (for the rare picture WebP handles worse), a
 * notch lower, and only then smaller sizes. Each step roughly halves the bytes of a noisy 4 MP edit.
 */
const STEPS: { format: "webp" | "jpeg"; quality: number }[] = [
  { format: "webp", quality: 90 },
  { format: "jpeg", quality: 90 },
  { format: "webp", quality: 75 },
  { format: "jpeg", quality: 75 },
];
const SCALES = [1, 0.7, 0.5, 0.35, 0.25];

/**
 * The result as it can be uploaded under `maxBytes`: the PNG itself when it fits, else the first
 * lossy encoding (at full size first) that does. Null when not even a quarter-size JPEG fits, which
 * only an absurd limit can cause; the caller then says so in words.
 */
export async function encodeToFit(png: Buffer, maxBytes: number): Promise<FittedImage | null> {
  if (png.byteLength <= maxBytes) {
    return { bytes: png, format: "png", contentType: "image/png", extension: "png", scale: 1 };
  }
  const meta = await sharp(png).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  for (const scale of SCALES) {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    for (const step of STEPS) {
      let pipeline = sharp(png);
      if (scale !== 1) pipeline = pipeline.resize(w, h, { fit: "fill", kernel: "lanczos3" });
      const bytes =
        step.format === "webp"
          ? await pipeline.webp({ quality: step.quality, effort: 4 }).toBuffer()
          : await pipeline.jpeg({ quality: step.quality, mozjpeg: true }).toBuffer();
      if (bytes.byteLength <= maxBytes) {
        return {
          bytes,
          format: step.format,
          contentType: `image/${step.format}`,
          extension: step.format === "jpeg" ? "jpg" : "webp",
          quality: step.quality,
          scale,
        };
      }
    }
  }
  return null;
}
