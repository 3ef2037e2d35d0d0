import type { ButtonInteraction, ModalSubmitInteraction } from "discord.js";
import type { DiscordHandlerContext } from "../handler-context.js";

/** A button or modal handler: `matches` reads its custom id, which carries everything it needs. */
export interface ComponentModule<I extends ButtonInteraction | ModalSubmitInteraction> {
  matches(customId: string): boolean;
  execute(interaction: I, h: DiscordHandlerContext): Promise<void>;
}
