/** What a person typed after /edit or after mentioning the bot: a prompt, maybe a trailing strength. */
export interface EditText {
  prompt: string;
  strength?: number;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const MENTION = /<@[A-Z0-9]+(\|[^>]*)?>/g;

/**
 * `/edit make it winter 0.7` → prompt "make it winter", strength 0.7. A trailing number is always
 * taken as the strength (the usage hint says `<prompt> [strength]`), so "count to 10" asks for
 * strength 10, which the core then explains is out of range; validation stays in the core.
 */
export function parseEditText(raw: string): EditText {
  const text = raw.replace(MENTION, " ").replace(/\s+/g, " ").trim();
  const words = text.split(" ");
  const last = words.at(-1) ?? "";
  if (words.length > 1 && NUMBER.test(last)) {
    return { prompt: words.slice(0, -1).join(" "), strength: Number(last) };
  }
  return { prompt: text };
}

/** A modal's optional number field: empty means "use the default". */
export function parseOptionalNumber(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw.trim());
  return Number.isNaN(n) ? Number.NaN : n;
}
