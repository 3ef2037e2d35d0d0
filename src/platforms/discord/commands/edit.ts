import type { ChatInputCommandInteraction, Message } from "discord.js";
import { DISCORD_COMMAND, EDIT_OPTION } from "../../../../commands/discord-commands.js";
import type { ImageInput } from "../../../core/edit-request.js";
import { failedText, NO_IMAGE_SEEN_ON_DISCORD, tookNewestImageText } from "../../../core/messages.js";
import { findNewestImage } from "../../../core/newest-image.js";
import { clipContent, NO_MENTIONS } from "../discord-views.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { imageFromAttachment, imageFromMessage } from "../image-source.js";
import { startEdit } from "../start-edit.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.edit);

/** How far back a bare /edit looks: one page of Discord's message history. */
const HISTORY_LIMIT = 50;

/**
 * `/edit prompt [image] [strength] [seed]`: defer first (Discord's 3 s), then everything else. Without
 * an image, the newest one in the thread or channel, by the core's rule, named in the request's header.
 */
export async function execute(
  interaction: ChatInputCommandInteraction,
  h: DiscordHandlerContext,
): Promise<void> {
  await interaction.deferReply();
  const attachment = interaction.options.getAttachment(EDIT_OPTION.image);
  let image: ImageInput;
  let note: string | undefined;
  if (attachment) image = imageFromAttachment(attachment, h.attachmentHosts);
  else {
    const found = await newestImage(interaction, h.attachmentHosts);
    if (!found) {
      await interaction.editReply({
        content: clipContent(failedText(NO_IMAGE_SEEN_ON_DISCORD)),
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    image = found.image.input;
    const m = found.image.message;
    const name = [...m.attachments.values()].find((a) => a.contentType?.startsWith("image/"))?.name;
    // Named, not mentioned, like the requester in the header.
    const by = m.member?.displayName ?? m.author.globalName ?? m.author.username;
    note = tookNewestImageText(m.url, name, by, found.where);
  }
  await startEdit(interaction, h, {
    image,
    prompt: interaction.options.getString(EDIT_OPTION.prompt) ?? "",
    strength: interaction.options.getNumber(EDIT_OPTION.strength) ?? undefined,
    seed: interaction.options.getInteger(EDIT_OPTION.seed) ?? undefined,
    note,
  });
}

interface Found {
  message: Message;
  input: ImageInput;
}

async function newestImage(interaction: ChatInputCommandInteraction, hosts: readonly string[]) {
  const channel =
    interaction.channel ??
    (interaction.channelId ? await interaction.client.channels.fetch(interaction.channelId) : null);
  if (!channel || !("messages" in channel)) return null;
  const newestIn = async (source: typeof channel): Promise<Found | null> => {
    if (!("messages" in source)) return null;
    const page = await source.messages.fetch({ limit: HISTORY_LIMIT });
    const newestFirst = [...page.values()].sort((a, b) => b.createdTimestamp - a.createdTimestamp);
    for (const message of newestFirst) {
      const input = imageFromMessage(message, hosts);
      if (input) return { message, input };
    }
    return null;
  };
  const parent = channel.isThread() ? (channel.parent ?? null) : null;
  return findNewestImage<Found>({
    inThread: channel.isThread() ? () => newestIn(channel) : undefined,
    inChannel: async () =>
      parent ? newestIn(parent as typeof channel) : channel.isThread() ? null : newestIn(channel),
  });
}
