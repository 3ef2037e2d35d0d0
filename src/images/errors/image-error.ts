/** Why an image cannot be edited, in a form both the logs and the user can read. */
export type ImageErrorCode = "not_an_image" | "corrupt" | "too_large" | "bad_shape";

/**
 * Base of every image failure. `message` is for logs; `userMessage` is the plain sentence the bot
 * posts in the thread, so adapters never have to interpret sharp's wording.
 */
export class ImageError extends Error {
  override name = "ImageError";

  constructor(
    readonly code: ImageErrorCode,
    message: string,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
