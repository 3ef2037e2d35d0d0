/**
 * `/edit make it winter 5`: a whole number at the end stays in the prompt ("add 2 cats" means two
 * cats), but 2-10 there often means a strength on a 1-10 scale. The edit goes ahead as typed and the
 * reply says how strength is set, on every platform.
 */

const TRAILING_WHOLE = /(?:^|\s)(\d{1,2})\s*[.!]?\s*$/;

/** The hint to add to the reply, or null when the prompt does not end in a whole number 2-10. */
export function trailingNumberHint(prompt: string): string | null {
  const m = TRAILING_WHOLE.exec(prompt);
  if (!m) return null;
  const n = Number(m[1]);
  if (!(n >= 2 && n <= 10)) return null;
  // A prompt that is only the number is not "a prompt that reads as if it meant one"; it still is.
  return strengthHintText(n, prompt.slice(0, m.index).trim());
}

export function strengthHintText(n: number, rest: string): string {
  const example = rest.length > 0 && rest.length <= 60 ? rest : "make it winter";
  return (
    `"${n}" stays in the prompt. If you meant a strength: strength is 0-1, e.g. \`/edit ${example} ${(n / 10).toFixed(1)}\`; ` +
    "react 1️⃣-🔟 on a result for 0.1-1.0."
  );
}
