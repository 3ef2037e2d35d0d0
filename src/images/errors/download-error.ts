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
