import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export const ADMIN_COOKIE = "rf_edit_admin";

function same(a: string, b: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the length itself must not leak.
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/**
 * Guards the queue dashboard with ADMIN_TOKEN: a bearer header, or `?token=` once (which sets an
 * HttpOnly cookie and redirects to the same page without the token, so it leaves the address bar).
 */
export function adminAuth(token: string, basePath: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const query = typeof req.query.token === "string" ? req.query.token : undefined;
    const cookie = cookieValue(req.headers.cookie, ADMIN_COOKIE);
    const given = bearer ?? query ?? cookie;
    if (given === undefined || !same(given, token)) {
      res.status(401).type("text/plain").send("The queue dashboard needs the right ADMIN_TOKEN.");
      return;
    }
    if (query !== undefined && req.method === "GET") {
      res.cookie(ADMIN_COOKIE, token, { httpOnly: true, sameSite: "strict", path: basePath });
      const url = new URL(req.originalUrl, "http://ops.local");
      url.searchParams.delete("token");
      res.redirect(303, `${url.pathname}${url.search}`);
      return;
    }
    next();
  };
}
