/**
 * A platform refused to let the bot in for a reason retrying cannot fix (a wrong or revoked token,
 * intents not enabled): the message says what to change, in one line, naming the setting.
 */
export class PlatformStartError extends Error {
  constructor(
    readonly platform: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "PlatformStartError";
  }
}
