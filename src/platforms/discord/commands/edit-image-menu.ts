import {
  type APIModalInteractionResponseCallbackData,
  LabelBuilder,
  type MessageContextMenuCommandInteraction,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import { DISCORD_COMMAND, PROMPT_MAX_LENGTH } from "../../../../commands/discord-commands.js";
import { EDIT_MODAL_TEXT } from "../../../core/messages.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.editImageMenu);

/** Text inputs of the prompt modals ("Edit image" and "Edit again"). */
export const MODAL_FIELD = { prompt: "prompt", strength: "strength" } as const;

/** The modal's custom id names the target message, so its submit needs no memory of this moment. */
export function editImageModalId(messageId: string): string {
  return `rfd:edit-image:${messageId}`;
}

export function parseEditImageModalId(id: string): string | null {
  return /^rfd:edit-image:(\d{1,25})$/.exec(id)?.[1] ?? null;
}

/**
 * A modal asking for a prompt and a strength, in Discord's current layout: each text input inside a
 * Label component (type 18), which carries the label and a description; the older layout (an action
 * row around a text input with its own label) is deprecated. Built with discord.js's builders, whose
 * toJSON() checks Discord's limits (title 45, label 45, description 100, at most 5 components).
 */
export function promptModal(customId: string, title: string): APIModalInteractionResponseCallbackData {
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(title)
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(EDIT_MODAL_TEXT.promptLabel)
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(MODAL_FIELD.prompt)
            .setStyle(TextInputStyle.Paragraph)
            .setRequired(true)
            .setMinLength(1)
            .setMaxLength(PROMPT_MAX_LENGTH)
            .setPlaceholder(EDIT_MODAL_TEXT.promptPlaceholder),
        ),
      new LabelBuilder()
        .setLabel(EDIT_MODAL_TEXT.strengthLabel)
        .setDescription(`${EDIT_MODAL_TEXT.strengthHint} Empty: the default.`)
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(MODAL_FIELD.strength)
            .setStyle(TextInputStyle.Short)
            .setRequired(false)
            .setMaxLength(4)
            .setPlaceholder("0.5"),
        ),
    )
    .toJSON();
}

/** "Edit image" on a message: the modal is the acknowledgement; the image is read on submit. */
export async function execute(
  interaction: MessageContextMenuCommandInteraction,
  _h: DiscordHandlerContext,
): Promise<void> {
  await interaction.showModal(promptModal(editImageModalId(interaction.targetId), "Edit image"));
}
