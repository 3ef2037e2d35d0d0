/**
 * Lengths and cuts of people's text the way chat platforms see it. Discord's API counts Unicode code
 * points (its staff: "Our API uses Python 3, so the API calculates length based on the number of
 * codepoints", discord/discord-api-docs#1315), and Slack documents its limits in characters, so an
 * emoji is one character, not the two UTF-16 units JavaScript's `length` counts. Cuts fall between
 * graphemes (Intl.Segmenter), so no text ever ends in half a surrogate pair or a bare skin-tone or
 * zero-width-joiner piece of an emoji.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Characters as the platforms count them: Unicode code points. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * At most `max` characters of `text`, cut between graphemes, with `ellipsis` at the end when it was
 * cut (the ellipsis counts towards `max`). A single grapheme longer than what is left (a letter
 * under a thousand combining marks) is cut between its code points rather than let through whole.
 */
export function clipText(text: string, max: number, ellipsis = "…"): string {
  if (max <= 0) return "";
  if (charLength(text) <= max) return text;
  const room = max - charLength(ellipsis);
  if (room <= 0) return [...ellipsis].slice(0, max).join("");
  let out = "";
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = charLength(segment);
    if (used + size > room) {
      // A lone grapheme bigger than the whole room: keep its first code points only.
      if (used === 0) out = [...segment].slice(0, room).join("");
      break;
    }
    out += segment;
    used += size;
  }
  return `${out.trimEnd()}${ellipsis}`;
}

/** Text on one line: runs of whitespace (newlines included) become one space, ends trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/** True when there is nothing but whitespace (of any script) and invisible format characters. */
export function isBlank(text: string): boolean {
  return text.replace(/[\s\p{Cf}]+/gu, "").length === 0;
}
