import type { RepliableInteraction } from "discord.js";
import type { EditRequest, ImageInput } from "../../core/edit-request.js";
import { requestHeaderText, threadNameFor } from "../../core/messages.js";
import type { Origin } from "../../core/types.js";
import { actorFromInteraction } from "./discord-actor.js";
import { NO_MENTIONS } from "./discord-views.js";
import type { DiscordHandlerContext } from "./handler-context.js";

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
  const reply = await interaction.editReply({
    content: [requestHeaderText(`<@${actor.userId}>`, req.prompt), req.note].filter(Boolean).join("\n"),
    allowedMentions: NO_MENTIONS,
  });
  if (!interaction.channelId) throw new Error("interaction has no channel");
  const origin: Origin = {
    platform: "discord",
    workspaceId: actor.workspaceId,
    channelId: interaction.channelId,
    messageId: reply.id,
    userId: actor.userId,
    userName: actor.userName,
    extra: { threadName: threadNameFor(req.prompt) },
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
