/** Why an image could not be fetched; `userMessage` is the sentence shown in the chat. */
export type DownloadErrorCode = "host_not_allowed" | "too_large" | "timeout" | "http_error" | "not_an_image";

export class DownloadError extends Error {
  override name = "DownloadError";

  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Sizes as people read them: one decimal, in MB. */
export function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** The one sentence for an image over the byte cap, whether declared, downloaded or uploaded. */
export function imageTooLargeMessage(bytes: number, maxBytes: number): string {
  return `That image is too large (${formatMegabytes(bytes)}); the limit is ${formatMegabytes(maxBytes)}.`;
}
