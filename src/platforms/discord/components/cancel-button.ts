import { type ButtonInteraction, MessageFlags } from "discord.js";
import { parseControlId } from "../../../core/rerun-action.js";
import { actorFromInteraction } from "../discord-actor.js";
import type { ComponentModule } from "./component-module.js";
import { replyPrivately } from "./reply-privately.js";

/** Cancel under a status message: the requester or a moderator; the answer is private. */
export const cancelButton: ComponentModule<ButtonInteraction> = {
  matches: (id) => parseControlId(id)?.control === "cancel",
  async execute(interaction, h) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const parsed = parseControlId(interaction.customId);
    if (!parsed) return;
    const outcome = await h.ctx.service.cancel(parsed.jobId, actorFromInteraction(interaction));
    await replyPrivately(interaction, outcome.message);
  },
};
