import { MessageFlags, type ModalSubmitInteraction } from "discord.js";
import { EMPTY_PROMPT, failedText, notAllowedText, rerunAcceptedText } from "../../../core/messages.js";
import { mayRerun } from "../../../core/permissions.js";
import { parseControlId } from "../../../core/rerun-action.js";
import { isBlank } from "../../../core/text-length.js";
import { actorFromInteraction } from "../discord-actor.js";
import type { ComponentModule } from "./component-module.js";
import { promptFields } from "./modal-fields.js";
import { replyPrivately, threadMention } from "./reply-privately.js";

/** The "Edit again" modal's submit: a chained edit of the job's result, answered in its thread. */
export const editAgainModal: ComponentModule<ModalSubmitInteraction> = {
  matches: (id) => parseControlId(id)?.control === "edit-again",
  async execute(interaction, h) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const parsed = parseControlId(interaction.customId);
    if (!parsed) return;
    const actor = actorFromInteraction(interaction);
    const record = await h.ctx.service.findRecord(parsed.jobId);
    if (record && !mayRerun(h.ctx.config.rerunPolicy, actor, record.job)) {
      await replyPrivately(interaction, notAllowedText("edit-again"));
      return;
    }
    const { prompt, strength } = promptFields(interaction);
    if (isBlank(prompt)) {
      // Told privately: nothing is written into the thread for a request that cannot run.
      await replyPrivately(interaction, failedText(EMPTY_PROMPT));
      return;
    }
    const outcome = await h.ctx.service.editAgain(parsed.jobId, prompt, strength, actor);
    await replyPrivately(
      interaction,
      outcome.ok
        ? rerunAcceptedText(threadMention(record?.job.origin ?? { channelId: interaction.channelId ?? "" }))
        : outcome.error.userMessage,
    );
  },
};
