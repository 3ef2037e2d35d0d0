import type { ChatInputCommandInteraction } from "discord.js";
import { DISCORD_COMMAND, EDIT_OPTION } from "../../../../commands/discord-commands.js";
import { NO_IMAGE_ATTACHED } from "../../../core/messages.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { imageFromAttachment } from "../image-source.js";
import { startEdit } from "../start-edit.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.edit);

/** `/edit image prompt [strength] [seed]`: defer first (Discord's 3 s), then everything else. */
export async function execute(
  interaction: ChatInputCommandInteraction,
  h: DiscordHandlerContext,
): Promise<void> {
  await interaction.deferReply();
  const attachment = interaction.options.getAttachment(EDIT_OPTION.image);
  if (!attachment) {
    await interaction.editReply(NO_IMAGE_ATTACHED);
    return;
  }
  await startEdit(interaction, h, {
    image: imageFromAttachment(attachment, h.attachmentHosts),
    prompt: interaction.options.getString(EDIT_OPTION.prompt) ?? "",
    strength: interaction.options.getNumber(EDIT_OPTION.strength) ?? undefined,
    seed: interaction.options.getInteger(EDIT_OPTION.seed) ?? undefined,
  });
}
