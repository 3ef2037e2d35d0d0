import { ImageError } from "./image-error.js";

/** The file starts like an image but cannot be decoded: truncated download, broken data. */
export class CorruptImageError extends ImageError {
  override name = "CorruptImageError";

  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      "corrupt",
      `corrupt image: ${detail}`,
      "That image looks damaged or incomplete, so I cannot read it. Please upload it again.",
      options,
    );
  }
}
