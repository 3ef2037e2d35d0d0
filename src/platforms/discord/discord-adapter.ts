import {
  type APIMessage,
  DiscordAPIError,
  HTTPError,
  type REST,
  RESTJSONErrorCodes,
  Routes,
} from "discord.js";
import { reencodedNote, resultTooLargeText } from "../../core/messages.js";
import type { PlatformAdapter, ResultView, StatusView } from "../../core/platform-adapter.js";
import { SUGGESTED_REACTIONS } from "../../core/rerun-action.js";
import type { MessageRef, Origin } from "../../core/types.js";
import { encodeToFit, type FittedImage } from "../../images/encode-to-fit.js";
import type { Logger } from "../../logger.js";
import { DISCORD_LIMITS } from "./discord-limits.js";
import { resultBody, statusBody } from "./discord-views.js";
import { StatusEditor } from "./status-editor.js";
import { SAFE_THREAD_NAME } from "./thread-name.js";

/**
 * Where answers go when the bot may not open a thread: replies in the channel itself. A 50035
 * (Invalid Form Body) is not among them: it means the request was wrong, not that threads are
 * forbidden, and is retried once with a name that cannot be wrong.
 */
const NO_THREAD_CODES = new Set<number>([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType,
  RESTJSONErrorCodes.CannotExecuteActionOnDMChannel,
]);

/** The origin extra where the interaction's attachment_size_limit (bytes) travels with the job. */
export const UPLOAD_LIMIT_EXTRA = "attachmentSizeLimit";

type StatusBody = ReturnType<typeof statusBody>;

/**
 * The core's view of Discord: status messages and results are written with the bot token over
 * channel REST (never the interaction webhook, whose token dies after 15 minutes), in a thread
 * started from the bot's reply to the command. Everything here is translation; rules live in core.
 */
export class DiscordAdapter implements PlatformAdapter {
  readonly platform = "discord" as const;
  private readonly editor: StatusEditor<StatusBody>;

  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
  ) {
    this.editor = new StatusEditor((key, body) => this.patchStatus(key, body));
  }

  async postStatus(
    origin: Origin,
    view: StatusView,
  ): Promise<{ statusMessageId: string; threadId?: string }> {
    const body = statusBody(view);
    if (origin.threadId) {
      const message = await this.post(origin.threadId, body);
      return { statusMessageId: message.id, threadId: origin.threadId };
    }
    const threadId = await this.openThread(origin);
    if (threadId) {
      const message = await this.post(threadId, body);
      return { statusMessageId: message.id, threadId };
    }
    // No thread here (a DM, a thread already, or no permission): reply in the channel instead, and
    // treat the channel as the job's "thread" from now on.
    const message = await this.post(origin.channelId, {
      ...body,
      ...(origin.messageId
        ? { message_reference: { message_id: origin.messageId, fail_if_not_exists: false } }
        : {}),
    });
    return { statusMessageId: message.id, threadId: origin.channelId };
  }

  async updateStatus(origin: Origin, view: StatusView): Promise<void> {
    if (!origin.statusMessageId) {
      await this.postStatus(origin, view);
      return;
    }
    const channelId = origin.threadId ?? origin.channelId;
    await this.editor.edit(`${channelId}/${origin.statusMessageId}`, statusBody(view));
  }

  /**
   * The picture in the largest form Discord takes here: the PNG when it fits the interaction's
   * attachment_size_limit, else a lossy encoding the caption names. Should Discord still answer
   * 413 / 40005 (its limit here is lower than declared), it is re-encoded smaller once; if that
   * fails too, the caption and controls go out with a sentence instead of the picture. Never
   * retried as is: the same bytes would only be refused again.
   */
  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    const channelId = origin.threadId ?? origin.channelId;
    const limit = uploadLimit(origin);
    let message: APIMessage | null = null;
    let fitted = await encodeToFit(view.png, limit);
    if (fitted) {
      try {
        message = await this.upload(channelId, view, fitted, limit);
      } catch (err) {
        if (!isTooLarge(err)) throw err;
        const smaller = Math.floor(fitted.bytes.byteLength / 2);
        this.logger.warn(
          { jobId: view.job.jobId, sentBytes: fitted.bytes.byteLength, limit },
          "discord refused the result as too large; re-encoding it smaller once",
        );
        fitted = await encodeToFit(view.png, smaller);
        if (fitted) {
          try {
            message = await this.upload(channelId, view, fitted, smaller);
          } catch (again) {
            if (!isTooLarge(again)) throw again;
          }
        }
      }
    }
    if (!message) {
      this.logger.warn(
        { jobId: view.job.jobId, pngBytes: view.png.byteLength, limit },
        "result too large for discord",
      );
      message = await this.post(
        channelId,
        resultBody(view, undefined, resultTooLargeText(view.png.byteLength, limit)),
      );
    }
    const ref: MessageRef = { platform: "discord", channelId, messageId: message.id };
    await view.posted(ref);
    for (const emoji of SUGGESTED_REACTIONS.unicode) {
      try {
        await this.rest.put(
          Routes.channelMessageOwnReaction(channelId, message.id, encodeURIComponent(emoji)),
        );
      } catch (err) {
        // Suggested reactions are a hint; a result without them still works (buttons, typed reactions).
        this.logger.warn({ err, channelId, emoji }, "could not add a suggested reaction");
      }
    }
    return ref;
  }

  private async upload(
    channelId: string,
    view: ResultView,
    image: FittedImage,
    limit: number,
  ): Promise<APIMessage> {
    const filename = `edit-${view.job.jobId}.${image.extension}`;
    const note =
      image.format === "png"
        ? undefined
        : reencodedNote({
            format: image.format,
            quality: image.quality,
            scale: image.scale,
            pngBytes: view.png.byteLength,
            limitBytes: limit,
          });
    return (await this.rest.post(Routes.channelMessages(channelId), {
      body: resultBody(view, filename, note),
      files: [{ name: filename, data: image.bytes, contentType: image.contentType }],
    })) as APIMessage;
  }

  /** A thread from the bot's reply to the command, or null where Discord will not allow one. */
  private async openThread(origin: Origin): Promise<string | null> {
    if (!origin.messageId || origin.workspaceId === "dm") return null;
    const name = origin.extra?.threadName ?? SAFE_THREAD_NAME;
    try {
      return await this.startThread(origin, name);
    } catch (err) {
      if (isInvalidForm(err) && name !== SAFE_THREAD_NAME) {
        // Our names are cut to Discord's rules, so this is a bug worth seeing, not a missing permission.
        this.logger.error(
          { err, channelId: origin.channelId },
          "discord refused the thread name; opening the thread with a plain name",
        );
        try {
          return await this.startThread(origin, SAFE_THREAD_NAME);
        } catch (retryErr) {
          return this.noThread(origin, retryErr);
        }
      }
      return this.noThread(origin, err);
    }
  }

  private async startThread(origin: Origin, name: string): Promise<string> {
    const thread = (await this.rest.post(Routes.threads(origin.channelId, origin.messageId as string), {
      body: { name, auto_archive_duration: 1440 },
    })) as { id: string };
    return thread.id;
  }

  private noThread(origin: Origin, err: unknown): string | null {
    if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
      // A thread started from a message has the message's id.
      return origin.messageId ?? null;
    }
    if (err instanceof DiscordAPIError && NO_THREAD_CODES.has(Number(err.code))) {
      this.logger.info(
        { code: err.code, channelId: origin.channelId },
        "no thread here; replying in the channel",
      );
      return null;
    }
    throw err;
  }

  private async post(channelId: string, body: object): Promise<APIMessage> {
    return (await this.rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
  }

  private async patchStatus(key: string, body: StatusBody): Promise<void> {
    const [channelId, messageId] = key.split("/");
    try {
      // discord.js's REST waits out 429s (retry_after) and retries 5xx itself.
      await this.rest.patch(Routes.channelMessage(channelId, messageId), { body });
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage) {
        // Someone deleted the status message: the job goes on, there is just nothing to edit.
        this.logger.info({ channelId, messageId }, "status message is gone; update dropped");
        return;
      }
      throw err;
    }
  }
}

/** The interaction's attachment_size_limit when the job carries one, else Discord's default. */
function uploadLimit(origin: Origin): number {
  const declared = Number(origin.extra?.[UPLOAD_LIMIT_EXTRA]);
  return Number.isFinite(declared) && declared > 0 ? declared : DISCORD_LIMITS.defaultUploadBytes;
}

/** 413 / 40005 "Request entity too large": as JSON from the API, or a bare 413 from its edge. */
function isTooLarge(err: unknown): boolean {
  if (err instanceof DiscordAPIError)
    return err.status === 413 || err.code === RESTJSONErrorCodes.RequestEntityTooLarge;
  return err instanceof HTTPError && err.status === 413;
}

function isInvalidForm(err: unknown): boolean {
  return err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType;
}
