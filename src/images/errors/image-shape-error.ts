import { ImageError } from "./image-error.js";

/** Too long and thin to edit: keeping its aspect ratio would need an absurd working size. */
export class ImageShapeError extends ImageError {
  override name = "ImageShapeError";

  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxAspectRatio: number,
  ) {
    super(
      "bad_shape",
      `image ${width}x${height} is more elongated than ${maxAspectRatio}:1`,
      `That image is too long and thin (${width}x${height}). Please crop it to at most ${maxAspectRatio}:1.`,
    );
  }
}
