import { type ChatInputCommandInteraction, MessageFlags } from "discord.js";
import { CANCEL_OPTION, DISCORD_COMMAND } from "../../../../commands/discord-commands.js";
import { NO_OPEN_JOB } from "../../../core/messages.js";
import { actorFromInteraction } from "../discord-actor.js";
import { NO_MENTIONS } from "../discord-views.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.editCancel);

/** `/edit-cancel [job]`: the named job, or the caller's newest open one; answered privately. */
export async function execute(
  interaction: ChatInputCommandInteraction,
  h: DiscordHandlerContext,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const actor = actorFromInteraction(interaction);
  const named = interaction.options.getString(CANCEL_OPTION.job)?.trim();
  const jobId = named || (await h.ctx.service.openJobsOf(actor))[0];
  if (!jobId) {
    await interaction.editReply(NO_OPEN_JOB);
    return;
  }
  const outcome = await h.ctx.service.cancel(jobId, actor);
  await interaction.editReply({ content: outcome.message, allowedMentions: NO_MENTIONS });
}
