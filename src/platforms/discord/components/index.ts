import type { ButtonInteraction, ModalSubmitInteraction } from "discord.js";
import { cancelButton } from "./cancel-button.js";
import type { ComponentModule } from "./component-module.js";
import { editAgainButton } from "./edit-again-button.js";
import { editAgainModal } from "./edit-again-modal.js";
import { editImageModal } from "./edit-image-modal.js";
import { rerunButton } from "./rerun-button.js";
import { teamButton } from "./team-button.js";

export const buttons: ComponentModule<ButtonInteraction>[] = [
  rerunButton,
  editAgainButton,
  cancelButton,
  teamButton,
];
export const modals: ComponentModule<ModalSubmitInteraction>[] = [editAgainModal, editImageModal];
