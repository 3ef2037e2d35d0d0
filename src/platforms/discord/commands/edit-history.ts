import { type ChatInputCommandInteraction, MessageFlags } from "discord.js";
import { DISCORD_COMMAND } from "../../../../commands/discord-commands.js";
import { clipContent, NO_MENTIONS } from "../discord-views.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.editHistory);

/** `/edit-history` in a thread: that thread's chain of edits with links to each result. */
export async function execute(
  interaction: ChatInputCommandInteraction,
  h: DiscordHandlerContext,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const text = await h.ctx.team.history("discord", interaction.channelId);
  await interaction.editReply({ content: clipContent(text), allowedMentions: NO_MENTIONS });
}
