import type { ModalSubmitInteraction } from "discord.js";
import { NO_IMAGE_IN_MESSAGE } from "../../../core/messages.js";
import { parseEditImageModalId } from "../commands/edit-image-menu.js";
import { imageFromMessage } from "../image-source.js";
import { startEdit } from "../start-edit.js";
import type { ComponentModule } from "./component-module.js";
import { promptFields } from "./modal-fields.js";

/** The "Edit image" modal's submit: the target message is fetched now (it may not be cached). */
export const editImageModal: ComponentModule<ModalSubmitInteraction> = {
  matches: (id) => parseEditImageModalId(id) !== null,
  async execute(interaction, h) {
    await interaction.deferReply();
    const messageId = parseEditImageModalId(interaction.customId);
    const channel =
      interaction.channel ??
      (interaction.channelId ? await h.client.channels.fetch(interaction.channelId) : null);
    const target =
      messageId && channel && "messages" in channel
        ? await channel.messages.fetch(messageId).catch(() => null)
        : null;
    const image = target ? imageFromMessage(target, h.attachmentHosts) : null;
    if (!image) {
      await interaction.editReply(NO_IMAGE_IN_MESSAGE);
      return;
    }
    const { prompt, strength } = promptFields(interaction);
    await startEdit(interaction, h, { image, prompt, strength });
  },
};
