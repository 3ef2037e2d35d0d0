/**
 * Words people may type that have broken chat bots: long prompts, emoji and CJK (more than one
 * UTF-16 unit per character), the platforms' control sequences, markdown links, and whitespace.
 */
export const HOSTILE_PROMPTS = {
  /** 1000 characters, the most either platform's prompt input takes, full of markup. */
  long: "paint it **blue** & gold <!channel> [x](https://evil.example) ||spoiler|| "
    .repeat(20)
    .slice(0, 1000),
  /** 1000 emoji: 2000 UTF-16 units, but 1000 characters as Discord and Slack count them. */
  emoji: "😀".repeat(1000),
  /** Family emoji (7 code points each, one grapheme): a naive cut leaves half of one. */
  zwj: `${"a".repeat(79)}${"👨‍👩‍👧‍👦".repeat(20)}`,
  /** 1000 CJK characters. */
  cjk: "雪の降る静かな街並みにしてください".repeat(70).slice(0, 1000),
  /** Slack's control sequences and a link with a label. */
  slackControl: "<!channel> <!here> paint it blue & gold <https://evil.example|click me> <!subteam^S123>",
  /** Discord markdown: a masked link, a spoiler, bold, a heading, mentions. */
  discordMarkdown:
    "[click](https://evil.example) ||spoiler|| **bold** # heading @everyone <@&123456789012345678>",
} as const;

/** Whitespace of several scripts and a zero-width space: nothing to edit. */
export const BLANK_PROMPT = " \u3000\t\u200b ";

/** A file name of emoji and CJK, long enough that its URL and name pass 3000 characters. */
export const HOSTILE_FILE_NAME = `${"🌸".repeat(200)}${"写真".repeat(700)}<!channel>&.png`;

/** A display name with markup and control sequences. */
export const HOSTILE_DISPLAY_NAME = "<!channel> **boss** & _co_ [me](https://evil.example)";

/** True when a string holds half a surrogate pair (it cannot be encoded as UTF-8). */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
