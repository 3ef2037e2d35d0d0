import type { IncomingMessage } from "node:http";
import { RequestError } from "./errors/request-error.js";

/** Names that always mean this machine; a rebinding attacker's domain is never one of them. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD_BINDS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The playground has no login, so it must only answer pages that are really its own. Two checks:
 *
 * - `Host` must name this server (loopback names, the address it listens on, and PLAYGROUND_HOSTS),
 *   on the port it listens on. A DNS-rebinding page is same-origin with itself, so its `Origin`
 *   and `Host` agree with each other, but its `Host` is the attacker's name: only this check stops it
 *   reading `/api/history` or posting.
 * - `Origin`, when a browser sends one (every cross-origin request, and same-origin POSTs), must be
 *   `http://<that same host>`; the opaque `Origin: null` (sandboxed frames, file: pages) is refused.
 */
export class RequestGuard {
  /** Names that stand for this server on the port it listens on. */
  private readonly ownNames: Set<string>;
  /** PLAYGROUND_HOSTS: a bare name also matches without a port (a reverse proxy's public name). */
  private readonly extra: Set<string>;
  private port = 0;

  constructor(listenHost: string, extraHosts: readonly string[]) {
    const bind = listenHost.includes(":") && !listenHost.startsWith("[") ? `[${listenHost}]` : listenHost;
    this.ownNames = new Set(LOOPBACK_NAMES);
    if (!WILDCARD_BINDS.has(bind)) this.ownNames.add(bind.toLowerCase());
    this.extra = new Set(extraHosts.map((h) => h.toLowerCase()));
  }

  /** Called once the port is known (PLAYGROUND_PORT=0 picks one). */
  listeningOn(port: number): void {
    this.port = port;
  }

  check(req: IncomingMessage): void {
    const host = (req.headers.host ?? "").toLowerCase();
    if (!this.hostAllowed(host)) {
      throw new RequestError(
        403,
        "This playground only answers at its own address (add other names to PLAYGROUND_HOSTS).",
      );
    }
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (origin === "null") throw new RequestError(403, "Requests from pages without an origin are refused.");
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new RequestError(403, "Cross-origin requests are refused.");
    }
    if (parsed.host !== host || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new RequestError(403, "Cross-origin requests are refused.");
    }
  }

  private hostAllowed(host: string): boolean {
    if (!host) return false;
    if (this.extra.has(host)) return true;
    const m = /^(.+):(\d{1,5})$/.exec(host);
    const name = m ? m[1] : host;
    const port = m ? Number(m[2]) : 80;
    return port === this.port && (this.ownNames.has(name) || this.extra.has(name));
  }
}
