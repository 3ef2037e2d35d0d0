import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { readCookie } from "../http/read-cookie.js";
import { AdminSessions } from "./admin-sessions.js";
import { loginPage } from "./login-page.js";

export const ADMIN_COOKIE = "rf_edit_admin";
const SESSION_SECONDS = 12 * 3600;

function same(a: string, b: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the length itself must not leak.
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Behind a TLS-terminating proxy the request itself is plain HTTP; the proxy says what it was. */
function overTls(req: Request): boolean {
  return req.secure || /^https\b/i.test(String(req.headers["x-forwarded-proto"] ?? ""));
}

/**
 * Guards the queue dashboard with ADMIN_TOKEN. The token is accepted only as a bearer header
 * (scripts) or in the login form (people), which sets a session cookie holding a random session id:
 * HttpOnly, SameSite=Strict, and Secure whenever the dashboard is reached over TLS. A token in the
 * URL is refused on every method, since URLs end up in logs, history and Referer headers.
 */
export function adminAuth(token: string, basePath: string, sessions = new AdminSessions()): Router {
  const router = express.Router();
  const loginPath = `${basePath}/login`;

  router.get("/login", (_req, res) => {
    res.status(200).type("html").set(PAGE_HEADERS).send(loginPage(loginPath));
  });

  router.post("/login", express.urlencoded({ extended: false, limit: "4kb" }), (req, res) => {
    const given = typeof req.body?.token === "string" ? req.body.token : "";
    if (!sameOrigin(req) || !given || !same(given, token)) {
      res
        .status(401)
        .type("html")
        .set(PAGE_HEADERS)
        .send(loginPage(loginPath, "That is not the ADMIN_TOKEN."));
      return;
    }
    res.cookie(ADMIN_COOKIE, sessions.create(), {
      httpOnly: true,
      sameSite: "strict",
      secure: overTls(req),
      path: basePath,
      maxAge: SESSION_SECONDS * 1000,
    });
    res.redirect(303, basePath);
  });

  router.post("/logout", (req, res) => {
    sessions.end(readCookie(req.headers.cookie, ADMIN_COOKIE));
    res.clearCookie(ADMIN_COOKIE, { path: basePath });
    res.redirect(303, loginPath);
  });

  router.use((req, res, next) => {
    if (req.query.token !== undefined) {
      refuse(res, "A token in the address is not accepted: send it as an Authorization header, or sign in.");
      return;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer !== undefined) {
      if (same(bearer, token)) next();
      else refuse(res, "The queue dashboard needs the right ADMIN_TOKEN.");
      return;
    }
    if (sessions.valid(readCookie(req.headers.cookie, ADMIN_COOKIE))) {
      next();
      return;
    }
    // A person opening the dashboard goes to the form; anything else gets a plain 401.
    if (req.method === "GET" && /\btext\/html\b/.test(req.headers.accept ?? "")) {
      res.redirect(303, loginPath);
      return;
    }
    refuse(res, "The queue dashboard needs the right ADMIN_TOKEN.");
  });
  return router;
}

const PAGE_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  "x-frame-options": "DENY",
};

function refuse(res: Response, message: string): void {
  res.status(401).type("text/plain").set("cache-control", "no-store").send(message);
}

/** A login form posted from another site is refused (no login CSRF), when the browser says so. */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
