import { ImageError } from "./image-error.js";

/** More pixels than the configured cap: decoding it would cost too much memory. */
export class ImageTooLargeError extends ImageError {
  override name = "ImageTooLargeError";

  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
    options?: { cause?: unknown },
  ) {
    const mp = (n: number) => `${(n / 1e6).toFixed(1)} megapixels`;
    super(
      "too_large",
      `image ${width}x${height} exceeds the pixel cap of ${maxPixels}`,
      `That image is too large (${width}x${height}, ${mp(width * height)}); the limit is ${mp(maxPixels)}. ` +
        "Please send a smaller version.",
      options,
    );
  }
}
