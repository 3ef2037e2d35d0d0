import { escapeMarkdown } from "discord.js";
import { clipText } from "../../core/text-length.js";
import { DISCORD_LIMITS } from "./discord-limits.js";

/**
 * Discord's one escaping rule for the core's sentences, which carry people's words as typed: every
 * markdown construct is escaped by discord.js's own escapeMarkdown (@discordjs/formatters), headings
 * and lists included, so `||x||`, `**x**` or `# x` show as typed. Mentions need no escaping: every
 * message the bot sends has empty allowed_mentions.
 *
 * Masked links are the one construct escaped here rather than by the library: its escapeMaskedLink
 * (0.6.x) matches `/\[.+]\(.+\)/gm`, greedy, so on a line with two links only the first is escaped and
 * `[click](https://evil.example)` after it still renders as a disguised link (the conformance test
 * found it). Escaping every `[` instead is always safe: escapeMarkdown has already escaped every
 * backslash the person typed, so no `[` can be left behind an escaping backslash.
 */
export function escapeDiscord(text: string): string {
  const escaped = escapeMarkdown(text, {
    maskedLink: false,
    heading: true,
    bulletedList: true,
    numberedList: true,
  });
  return escaped.replaceAll("[", "\\[");
}

/** Message content from a core sentence: escaped, then cut between graphemes to Discord's 2000. */
export function discordContent(text: string): string {
  return clipText(escapeDiscord(text), DISCORD_LIMITS.content);
}
