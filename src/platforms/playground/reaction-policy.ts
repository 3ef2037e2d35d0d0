import { SUGGESTED_REACTIONS } from "../../core/rerun-action.js";

/**
 * The reactions that mean something to the core: weaker/stronger, new seed, Compare and Try
 * strengths (docs/team-editing.md), a strength (a tile on a grid), cancel.
 */
const MEANINGFUL = [
  ...SUGGESTED_REACTIONS.unicode,
  "↔️",
  "🎚️",
  "1️⃣",
  "2️⃣",
  "3️⃣",
  "4️⃣",
  "5️⃣",
  "6️⃣",
  "7️⃣",
  "8️⃣",
  "9️⃣",
  "🔟",
  "✖️",
];

/** A few for people to say something with; a channel needs no more, and a short list stays small. */
const SOCIAL = ["👍", "👎", "❤️", "😂", "😮", "🎉", "🔥", "👀"];

/** What the page's picker offers, and the only reactions the server takes. */
export const PLAYGROUND_REACTIONS: readonly string[] = [...MEANINGFUL, ...SOCIAL];

const ALLOWED = new Set(PLAYGROUND_REACTIONS);

export function reactionAllowed(emoji: string): boolean {
  return ALLOWED.has(emoji);
}

/** Reactions one message holds in all: every emoji from a good crowd, never megabytes. */
export const MAX_REACTIONS_PER_MESSAGE = 200;

/** Each person may react this often (a token bucket: a burst, then this many a minute). */
export const REACTIONS_PER_MINUTE = 30;
export const REACTION_BURST = 10;

/**
 * And the whole playground this often: a fresh session is one page load away, so the per-person
 * limit alone would not stop one script from toggling reactions with a thousand identities.
 */
export const ALL_REACTIONS_PER_MINUTE = 600;
export const ALL_REACTIONS_BURST = 60;

export const REACTION_NOT_OFFERED = "That reaction isn't one the playground offers; pick one from the list.";
export const REACTION_TOO_FAST = "You're reacting faster than the playground allows. Wait a moment.";
export const REACTION_MESSAGE_FULL = "That message has all the reactions it can hold.";
