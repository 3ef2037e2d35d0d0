import { clipText } from "../../core/text-length.js";
import { SLACK_LIMITS } from "./slack-limits.js";

/**
 * Slack's one escaping rule for the core's sentences, which carry people's words as typed: "&", "<"
 * and ">" become HTML entities, as Slack's formatting docs require for text not meant as control
 * sequences. So `<!channel>`, `<@U…>` or `<https://evil.example|click me>` typed into a prompt or a
 * file name show as typed and notify or link nobody. Everything else (mrkdwn emphasis) is left alone.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A core sentence as Slack message text: escaped, then cut between graphemes to `max` characters,
 * never in the middle of an entity (a cut `&am` would show as typed, not as "&").
 */
export function slackText(text: string, max: number = SLACK_LIMITS.text): string {
  const escaped = escapeSlack(text);
  const clipped = clipText(escaped, max);
  if (clipped === escaped) return escaped;
  return clipped.replace(/&[a-z]*(?=…$)/, "");
}
