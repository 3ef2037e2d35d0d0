import type { ButtonInteraction } from "discord.js";
import { controlId, parseControlId } from "../../../core/rerun-action.js";
import { promptModal } from "../commands/edit-image-menu.js";
import type { ComponentModule } from "./component-module.js";

/** "Edit again": a modal for the new prompt; its id names the job whose result gets edited. */
export const editAgainButton: ComponentModule<ButtonInteraction> = {
  matches: (id) => parseControlId(id)?.control === "edit-again",
  async execute(interaction) {
    const parsed = parseControlId(interaction.customId);
    if (!parsed) return;
    await interaction.showModal(promptModal(controlId("edit-again", parsed.jobId), "Edit this result again"));
  },
};
