import type { RepliableInteraction } from "discord.js";
import type { EditRequest, ImageInput } from "../../core/edit-request.js";
import { EMPTY_PROMPT, failedText, requestHeaderText } from "../../core/messages.js";
import { isBlank } from "../../core/text-length.js";
import type { Origin } from "../../core/types.js";
import { actorFromInteraction } from "./discord-actor.js";
import { UPLOAD_LIMIT_EXTRA } from "./discord-adapter.js";
import { BOT_MESSAGE_FLAGS, clipContent, NO_MENTIONS } from "./discord-views.js";
import type { DiscordHandlerContext } from "./handler-context.js";
import { discordThreadName } from "./thread-name.js";

/**
 * A new edit from an already deferred interaction (/edit, or the "Edit image" modal): the deferred
 * reply becomes the request's header, the thread starts from it, and the core does the rest.
 */
export async function startEdit(
  interaction: RepliableInteraction,
  h: DiscordHandlerContext,
  req: {
    image: ImageInput;
    prompt: string;
    strength?: number;
    seed?: number;
    sourceMessageId?: string;
    /** A line under the header, e.g. which image a bare /edit took. */
    note?: string;
  },
): Promise<void> {
  const actor = actorFromInteraction(interaction);
  if (isBlank(req.prompt)) {
    // Refused in the reply itself: no thread is opened for a request that cannot run.
    await interaction.editReply({
      content: clipContent(failedText(EMPTY_PROMPT)),
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const reply = await interaction.editReply({
    // The requester is named, not mentioned: the same rule on every platform.
    content: clipContent(
      [requestHeaderText(actor.userName ?? "Someone", req.prompt), req.note].filter(Boolean).join("\n"),
    ),
    allowedMentions: NO_MENTIONS,
    flags: BOT_MESSAGE_FLAGS,
  });
  if (!interaction.channelId) throw new Error("interaction has no channel");
  const origin: Origin = {
    platform: "discord",
    workspaceId: actor.workspaceId,
    channelId: interaction.channelId,
    messageId: reply.id,
    userId: actor.userId,
    userName: actor.userName,
    extra: {
      threadName: discordThreadName(req.prompt),
      // What Discord lets this interaction's context upload; re-runs inherit it with the origin.
      ...(interaction.attachmentSizeLimit > 0
        ? { [UPLOAD_LIMIT_EXTRA]: String(interaction.attachmentSizeLimit) }
        : {}),
    },
  };
  const request: EditRequest = {
    origin,
    image: req.image,
    prompt: req.prompt,
    strength: req.strength,
    seed: req.seed,
  };
  const outcome = await h.ctx.service.submit(request);
  h.logger.debug(
    {
      ok: outcome.ok,
      jobId: outcome.ok ? outcome.jobId : undefined,
      code: outcome.ok ? undefined : outcome.error.code,
    },
    "discord edit submitted",
  );
}
