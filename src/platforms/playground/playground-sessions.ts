import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { readCookie } from "../../http/read-cookie.js";
import type { KeyNames } from "../../queue/queue-names.js";
import type { RedisLike } from "../../queue/redis-connection.js";

export const SESSION_COOKIE = "rf_playground";
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Who a browser is in the playground: a random session id in a signed, HttpOnly cookie. The page's
 * script can neither read nor choose it, so nobody can act as someone else by sending their id.
 * The public user id (in reactions, job records) is derived from the session id with the key, so it
 * reveals nothing that would let anyone make the cookie. The key is kept in Redis, shared by every
 * bot process and kept across restarts, so people stay who they were.
 */
export class PlaygroundSessions {
  private constructor(private readonly key: Buffer) {}

  /** Loads the signing key, creating it on first use (SET NX, so concurrent bots agree on one). */
  static async open(redis: RedisLike, keys: KeyNames): Promise<PlaygroundSessions> {
    const name = `${keys.prefix}:playground:session-key`;
    await redis.set(name, randomBytes(32).toString("base64url"), "NX");
    const stored = await redis.get(name);
    if (!stored) throw new Error("the playground's session key could not be stored in Redis");
    return new PlaygroundSessions(Buffer.from(stored, "base64url"));
  }

  /** The session of a request, or null when it has no cookie or one this server did not sign. */
  sessionOf(req: IncomingMessage): string | null {
    const raw = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!raw) return null;
    const [id, signature] = raw.split(".");
    if (!id || !signature || !SESSION_ID.test(id) || !SIGNATURE.test(signature)) return null;
    const expected = this.sign(`session:${id}`);
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  /** A fresh session and the Set-Cookie header that hands it to the browser. */
  create(): { id: string; setCookie: string } {
    const id = randomBytes(16).toString("base64url");
    const value = `${id}.${this.sign(`session:${id}`).toString()}`;
    // SameSite=Lax: other sites' pages cannot make the browser send it with their requests (and
    // the Host and Origin checks refuse those anyway), while following a link to the playground
    // still carries it; with Strict that first page load would look cookie-less and hand the
    // person a new identity. No Secure flag: the playground is plain HTTP on loopback.
    return {
      id,
      setCookie: `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ONE_YEAR_SECONDS}`,
    };
  }

  /** The id everyone else sees for this session: stable, and useless for making a cookie. */
  userIdOf(sessionId: string): string {
    return `u${this.sign(`user:${sessionId}`).toString().slice(0, 16)}`;
  }

  private sign(text: string): Buffer {
    return Buffer.from(createHmac("sha256", this.key).update(text).digest("base64url"));
  }
}
