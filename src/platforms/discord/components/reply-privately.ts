import type { RepliableInteraction } from "discord.js";
import { clipContent, NO_MENTIONS } from "../discord-views.js";

/** Fills a deferred ephemeral reply; an expired token only loses this private note, not the job. */
export async function replyPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  await interaction.editReply({ content: clipContent(text), allowedMentions: NO_MENTIONS });
}

/** Where people should look for the answer: the job's thread (or channel). */
export function threadMention(origin: { threadId?: string; channelId: string }): string {
  return `<#${origin.threadId ?? origin.channelId}>`;
}
