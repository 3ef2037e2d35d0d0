/**
 * One cookie's value from a Cookie header, as sent (not URI-decoded: our cookies are base64url, and
 * decoding a hostile value could throw). Malformed pairs are skipped, never thrown on.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
