/**
 * An error the fake answers with, in Discord's JSON error shape (`{ message, code, errors? }`), so the
 * real discord.js client turns it into the same DiscordAPIError it would get from Discord.
 */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
    this.name = "DiscordApiError";
  }

  toBody(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }

  static notFound(): DiscordApiError {
    return new DiscordApiError(404, 0, "404: Not Found");
  }

  static unknownChannel(): DiscordApiError {
    return new DiscordApiError(404, 10003, "Unknown Channel");
  }

  static unknownMessage(): DiscordApiError {
    return new DiscordApiError(404, 10008, "Unknown Message");
  }

  static unknownWebhook(): DiscordApiError {
    return new DiscordApiError(404, 10015, "Unknown Webhook");
  }

  static unknownInteraction(): DiscordApiError {
    return new DiscordApiError(404, 10062, "Unknown interaction");
  }

  static unknownEmoji(): DiscordApiError {
    return new DiscordApiError(400, 10014, "Unknown Emoji");
  }

  static alreadyAcknowledged(): DiscordApiError {
    return new DiscordApiError(400, 40060, "Interaction has already been acknowledged.");
  }

  static unauthorized(): DiscordApiError {
    return new DiscordApiError(401, 0, "401: Unauthorized");
  }

  static missingAccess(): DiscordApiError {
    return new DiscordApiError(403, 50001, "Missing Access");
  }

  static cannotEditOthersMessage(): DiscordApiError {
    return new DiscordApiError(403, 50005, "Cannot edit a message authored by another user");
  }

  static emptyMessage(): DiscordApiError {
    return new DiscordApiError(400, 50006, "Cannot send an empty message");
  }

  static wrongChannelType(): DiscordApiError {
    return new DiscordApiError(400, 50024, "Cannot execute action on this channel type");
  }

  static invalidJson(): DiscordApiError {
    return new DiscordApiError(400, 50109, "The request body contains invalid JSON.");
  }

  static tooLarge(): DiscordApiError {
    return new DiscordApiError(413, 40005, "Request entity too large");
  }

  static threadAlreadyExists(): DiscordApiError {
    return new DiscordApiError(400, 160004, "A thread has already been created for this message");
  }

  /** Discord's 50035 "Invalid Form Body", with its nested `_errors` map keyed by field path. */
  static invalidForm(fieldErrors: Record<string, string>): DiscordApiError {
    const errors: Record<string, unknown> = {};
    for (const [path, message] of Object.entries(fieldErrors)) {
      let node = errors;
      for (const key of path.split(".")) {
        node[key] ??= {};
        node = node[key] as Record<string, unknown>;
      }
      node._errors = [{ code: "BASE_TYPE_INVALID", message }];
    }
    return new DiscordApiError(400, 50035, "Invalid Form Body", errors);
  }
}
