import { threadNameFor } from "../../core/messages.js";
import { clipText, isBlank } from "../../core/text-length.js";
import { DISCORD_LIMITS } from "./discord-limits.js";

/** The name used when a prompt's name was refused (it cannot be wrong: short, plain ASCII). */
export const SAFE_THREAD_NAME = "Edit";

/**
 * A thread name for a prompt: the core's wording, cut between graphemes to Discord's 1-100
 * characters. Channel names show as plain text, so they are not markdown-escaped.
 */
export function discordThreadName(prompt: string): string {
  if (isBlank(prompt)) return SAFE_THREAD_NAME;
  return clipText(threadNameFor(prompt), DISCORD_LIMITS.threadName).trim();
}
