/**
 * A problem the person in the chat caused or can act on. `userMessage` is shown as it is, in plain
 * words; `code` is for logs and metrics.
 */
export class UserFacingError extends Error {
  constructor(
    readonly code: UserErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = "UserFacingError";
  }
}

export type UserErrorCode =
  | "not_an_image"
  | "image_too_large"
  | "image_unreadable"
  | "download_failed"
  | "host_not_allowed"
  | "no_image"
  | "prompt_empty"
  | "prompt_too_long"
  | "bad_strength"
  | "bad_seed"
  | "bad_option"
  | "rate_limited"
  | "too_many_queued"
  | "queue_full"
  | "not_allowed"
  | "not_found"
  | "nothing_to_do"
  | "worker_failed"
  | "storage_full"
  | "busy"
  | "unavailable"
  /** Redis is failing over or unreachable: nothing was queued, try again in a moment. */
  | "redis_failover";
