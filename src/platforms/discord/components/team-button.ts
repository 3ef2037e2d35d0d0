import { type ButtonInteraction, MessageFlags } from "discord.js";
import { parseTeamControlId } from "../../../core/team/team-controls.js";
import { actorFromInteraction } from "../discord-actor.js";
import type { ComponentModule } from "./component-module.js";
import { replyPrivately } from "./reply-privately.js";

/** Compare and Try strengths under a result, and Use 1-4 under a Try-strengths grid. */
export const teamButton: ComponentModule<ButtonInteraction> = {
  matches: (id) => parseTeamControlId(id) !== null,
  async execute(interaction, h) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const parsed = parseTeamControlId(interaction.customId);
    if (!parsed) return;
    const outcome = await h.ctx.team.act(parsed.jobId, parsed.action, actorFromInteraction(interaction));
    await replyPrivately(interaction, outcome.message);
  },
};
