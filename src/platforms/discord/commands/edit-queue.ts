import { type ChatInputCommandInteraction, MessageFlags } from "discord.js";
import { DISCORD_COMMAND } from "../../../../commands/discord-commands.js";
import { actorFromInteraction } from "../discord-actor.js";
import { clipContent, NO_MENTIONS } from "../discord-views.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.editQueue);

/** `/edit-queue`: the queue and the caller's jobs, for the caller's eyes only. */
export async function execute(
  interaction: ChatInputCommandInteraction,
  h: DiscordHandlerContext,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const summary = await h.ctx.service.queueSummary(actorFromInteraction(interaction));
  await interaction.editReply({ content: clipContent(summary), allowedMentions: NO_MENTIONS });
}
