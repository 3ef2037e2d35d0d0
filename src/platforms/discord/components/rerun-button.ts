import { type ButtonInteraction, MessageFlags } from "discord.js";
import { notAllowedText, rerunAcceptedText } from "../../../core/messages.js";
import { mayRerun } from "../../../core/permissions.js";
import { actionFromControl, parseControlId } from "../../../core/rerun-action.js";
import { actorFromInteraction } from "../discord-actor.js";
import type { ComponentModule } from "./component-module.js";
import { replyPrivately, threadMention } from "./reply-privately.js";

const RERUN = new Set(["weaker", "stronger", "new-seed"]);

/** Weaker / Stronger / New seed under a result: a re-run of the job named in the button's id. */
export const rerunButton: ComponentModule<ButtonInteraction> = {
  matches: (id) => RERUN.has(parseControlId(id)?.control ?? ""),
  async execute(interaction, h) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const parsed = parseControlId(interaction.customId);
    const action = parsed && actionFromControl(parsed.control);
    if (!parsed || !action) return;
    const actor = actorFromInteraction(interaction);
    const record = await h.ctx.service.findRecord(parsed.jobId);
    if (record && !mayRerun(await h.ctx.service.rerunPolicyFor(record.job.origin), actor, record.job)) {
      await replyPrivately(interaction, notAllowedText("re-run"));
      return;
    }
    const outcome = await h.ctx.service.rerunJob(parsed.jobId, action, actor);
    await replyPrivately(
      interaction,
      outcome.ok
        ? rerunAcceptedText(threadMention(record?.job.origin ?? { channelId: interaction.channelId ?? "" }))
        : outcome.error.userMessage,
    );
  },
};
