import { type APIMessage, DiscordAPIError, type REST, RESTJSONErrorCodes, Routes } from "discord.js";
import type { PlatformAdapter, ResultView, StatusView } from "../../core/platform-adapter.js";
import { SUGGESTED_REACTIONS } from "../../core/rerun-action.js";
import type { MessageRef, Origin } from "../../core/types.js";
import type { Logger } from "../../logger.js";
import { resultBody, statusBody } from "./discord-views.js";
import { StatusEditor } from "./status-editor.js";

/** Where answers go when the bot may not open a thread: replies in the channel itself. */
const NO_THREAD_CODES = new Set<number>([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType,
  RESTJSONErrorCodes.CannotExecuteActionOnDMChannel,
  RESTJSONErrorCodes.InvalidFormBodyOrContentType,
]);

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

  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    const channelId = origin.threadId ?? origin.channelId;
    const filename = `edit-${view.job.jobId}.png`;
    const message = (await this.rest.post(Routes.channelMessages(channelId), {
      body: resultBody(view, filename),
      files: [{ name: filename, data: view.png, contentType: "image/png" }],
    })) as APIMessage;
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

  /** A thread from the bot's reply to the command, or null where Discord will not allow one. */
  private async openThread(origin: Origin): Promise<string | null> {
    if (!origin.messageId || origin.workspaceId === "dm") return null;
    try {
      const thread = (await this.rest.post(Routes.threads(origin.channelId, origin.messageId), {
        body: { name: origin.extra?.threadName ?? "Edit", auto_archive_duration: 1440 },
      })) as { id: string };
      return thread.id;
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
        // A thread started from a message has the message's id.
        return origin.messageId;
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
