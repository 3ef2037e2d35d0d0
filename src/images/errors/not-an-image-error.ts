import { ImageError } from "./image-error.js";

/** The bytes are empty, are not an image at all, or are a format we do not accept. */
export class NotAnImageError extends ImageError {
  override name = "NotAnImageError";

  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      "not_an_image",
      `not an image: ${detail}`,
      "That file is not an image I can read. Please send a JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF.",
      options,
    );
  }
}
