import { actionFromEmoji, type RerunAction } from "./rerun-action.js";
import type { Actor } from "./types.js";

/**
 * The one rule for which reactions count, on every platform: other emoji, reactions by bots, and
 * the bot's own suggested reactions are ignored silently (no reply at all).
 */
export function reactionAction(emoji: string, actor: Actor, selfUserId?: string): RerunAction | null {
  if (actor.isBot) return null;
  if (selfUserId !== undefined && actor.userId === selfUserId) return null;
  return actionFromEmoji(emoji);
}
