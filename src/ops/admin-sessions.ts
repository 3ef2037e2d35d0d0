import { randomBytes } from "node:crypto";

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Signed-in dashboard browsers: random session ids, never the token itself, so a cookie that leaks
 * (a proxy log, a shared profile) expires and can be signed out, and the token never sits in a
 * browser. Kept in this process's memory, bounded: the dashboard is one operator's tool, and a
 * restart asks them to sign in again.
 */
export class AdminSessions {
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly ttlMs = 12 * 3600 * 1000,
    private readonly max = 100,
  ) {}

  create(now = Date.now()): string {
    this.prune(now);
    // Oldest first in a Map: past the cap, the longest-standing session makes room.
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, now + this.ttlMs);
    return id;
  }

  valid(id: string | undefined, now = Date.now()): boolean {
    if (!id || !SESSION_ID.test(id)) return false;
    const expires = this.sessions.get(id);
    if (expires === undefined) return false;
    if (expires <= now) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(now: number): void {
    for (const [id, expires] of this.sessions) if (expires <= now) this.sessions.delete(id);
  }
}
