import type { MessageFactory } from "../message-factory.js";
import type { DiscordState } from "../state.js";

/** What route handlers share: the state, message building, and a way to send gateway events. */
export interface RouteContext {
  state: DiscordState;
  messages: MessageFactory;
  /** Sends a gateway event to sessions subscribed to `intent` (0: all). */
  emit: (t: string, d: unknown, intent: number) => void;
  gatewayUrl: () => string;
  /** Discord rejects interaction callbacks after 3 s; unset: no deadline (slow CI machines). */
  interactionDeadlineMs?: number;
  /** Send the bot's own reactions back as MESSAGE_REACTION_ADD/REMOVE, as Discord does. */
  echoOwnReactions: boolean;
}
