import {
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  type MessageContextMenuCommandInteraction,
  TextInputStyle,
} from "discord.js";
import { DISCORD_COMMAND, PROMPT_MAX_LENGTH } from "../../../../commands/discord-commands.js";
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

/** A modal asking for a prompt and a strength, as raw API JSON (showModal's first and only answer). */
export function promptModal(customId: string, title: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId,
    title,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: MODAL_FIELD.prompt,
            label: "What should change?",
            style: TextInputStyle.Paragraph,
            required: true,
            max_length: PROMPT_MAX_LENGTH,
          },
        ],
      },
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: MODAL_FIELD.strength,
            label: "Strength, 0 to 1 (empty: default)",
            style: TextInputStyle.Short,
            required: false,
            max_length: 4,
            placeholder: "0.5",
          },
        ],
      },
    ],
  };
}

/** "Edit image" on a message: the modal is the acknowledgement; the image is read on submit. */
export async function execute(
  interaction: MessageContextMenuCommandInteraction,
  _h: DiscordHandlerContext,
): Promise<void> {
  await interaction.showModal(promptModal(editImageModalId(interaction.targetId), "Edit image"));
}
