import { type Interaction, MessageFlags } from "discord.js";
import { commands } from "../commands/index.js";
import { buttons, modals } from "../components/index.js";
import type { DiscordHandlerContext } from "../handler-context.js";

const SORRY = "Something went wrong on my side with that. Try again in a moment.";

/**
 * Routes an interaction to its module. Each module acknowledges first thing (defer or modal), before
 * any other await, so Discord's 3-second deadline holds however busy Redis or the queue is.
 */
export function onInteractionCreate(h: DiscordHandlerContext) {
  return async (interaction: Interaction): Promise<void> => {
    try {
      if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) {
        await commands.get(interaction.commandName)?.execute(interaction, h);
      } else if (interaction.isButton()) {
        await buttons.find((b) => b.matches(interaction.customId))?.execute(interaction, h);
      } else if (interaction.isModalSubmit()) {
        await modals.find((m) => m.matches(interaction.customId))?.execute(interaction, h);
      }
    } catch (err) {
      h.logger.error({ err, interactionId: interaction.id }, "discord interaction failed");
      if (!interaction.isRepliable()) return;
      try {
        if (interaction.deferred || interaction.replied) await interaction.editReply(SORRY);
        else await interaction.reply({ content: SORRY, flags: MessageFlags.Ephemeral });
      } catch (e) {
        h.logger.debug({ err: e }, "could not tell the user about the failure");
      }
    }
  };
}
