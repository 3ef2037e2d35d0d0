import type { MessageReaction, PartialMessageReaction, PartialUser, User } from "discord.js";
import { reactionAction } from "../../../core/reaction-rules.js";
import type { MessageRef } from "../../../core/types.js";
import { actorFromReaction } from "../discord-actor.js";
import type { DiscordHandlerContext } from "../handler-context.js";

/**
 * ➖ ➕ 1️⃣–🔟 🎲 ✖ on a result or status message. The message may be uncached (partial, e.g. after a
 * restart): only its id and channel are needed, the job is found from the stored record.
 */
export function onMessageReactionAdd(h: DiscordHandlerContext) {
  return async (
    reaction: MessageReaction | PartialMessageReaction,
    user: User | PartialUser,
  ): Promise<void> => {
    try {
      if (user.id === h.client.user?.id) return;
      if (reaction.emoji.id) return; // custom emoji never mean anything here
      const who = user.partial ? await user.fetch() : user;
      const { message } = reaction;
      const guild =
        message.guild ?? (message.guildId ? h.client.guilds.cache.get(message.guildId) : undefined);
      const member = guild ? (guild.members.cache.get(who.id) ?? null) : null;
      const actor = actorFromReaction(who, message.guildId ?? null, member, message.channelId);
      // The core's rule: other emoji, bots and the bot itself are ignored without a word.
      const ref: MessageRef = { platform: "discord", channelId: message.channelId, messageId: message.id };
      // Team reactions first (the core reads them by message kind: 1️⃣-4️⃣ on a grid pick a tile).
      if (!actor.isBot && (await h.ctx.team.reaction(ref, reaction.emoji.name ?? "", actor))) return;
      const action = reactionAction(reaction.emoji.name ?? "", actor, h.client.user?.id);
      if (!action) return;
      const outcome = await h.ctx.service.rerunFromMessage(ref, action, actor);
      if (outcome && !outcome.ok) h.logger.info({ code: outcome.error.code, ref }, "reaction refused");
    } catch (err) {
      h.logger.error({ err }, "discord reaction failed");
    }
  };
}
