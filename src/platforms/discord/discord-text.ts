import { escapeMarkdown } from "discord.js";
import { clipText } from "../../core/text-length.js";
import { DISCORD_LIMITS } from "./discord-limits.js";

/**
 * Discord's one escaping rule for the core's sentences, which carry people's words as typed: every
 * markdown construct is escaped by discord.js's own escapeMarkdown (@discordjs/formatters), masked
 * links, headings and lists included, so a prompt like `[click](https://evil.example)` or `||x||`
 * shows as typed. Mentions need no escaping: every message the bot sends has empty allowed_mentions.
 */
export function escapeDiscord(text: string): string {
  return escapeMarkdown(text, { maskedLink: true, heading: true, bulletedList: true, numberedList: true });
}

/** Message content from a core sentence: escaped, then cut between graphemes to Discord's 2000. */
export function discordContent(text: string): string {
  return clipText(escapeDiscord(text), DISCORD_LIMITS.content);
}
