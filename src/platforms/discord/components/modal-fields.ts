import type { ModalSubmitInteraction } from "discord.js";
import { MODAL_FIELD } from "../commands/edit-image-menu.js";

/** Prompt and strength as typed; a strength that is not a number goes to the core to be explained. */
export function promptFields(interaction: ModalSubmitInteraction): { prompt: string; strength?: number } {
  const read = (id: string) => {
    try {
      return interaction.fields.getTextInputValue(id);
    } catch {
      return "";
    }
  };
  const raw = read(MODAL_FIELD.strength).trim().replace(",", ".");
  return { prompt: read(MODAL_FIELD.prompt), strength: raw === "" ? undefined : Number(raw) };
}
