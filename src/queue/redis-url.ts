import { RedisUrlError } from "./errors/redis-url-error.js";

export interface RedisAddress {
  host: string;
  port: number;
}

/** What a REDIS_URL names: one server (maybe over TLS), Sentinels watching a master, or a Cluster. */
export interface RedisTarget {
  kind: "standalone" | "sentinel" | "cluster";
  /** The server, the Sentinels, or the Cluster's start nodes. */
  hosts: RedisAddress[];
  tls: boolean;
  username?: string;
  password?: string;
  /** Database index (standalone and Sentinel; a Cluster has only database 0). */
  db: number;
  /** The master's name as the Sentinels know it. */
  masterName?: string;
}

const SCHEMES = ["redis://", "rediss://", "redis-sentinel://", "redis-cluster://"] as const;

/** The URL as it may appear in a log line or an error: any password is starred out. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z-]+:\/\/)[^@/]*@/i, (_m, scheme: string) => `${scheme}***@`);
}

function parsePort(text: string, url: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new RedisUrlError(url, `the port ${JSON.stringify(text)} is not a number from 1 to 65535`);
  return Number(text);
}

function parseHost(hp: string, fallbackPort: number, url: string): RedisAddress {
  const s = hp.trim();
  if (s === "") throw new RedisUrlError(url, `a host is missing`);
  // [::1]:6379 for IPv6; otherwise the last colon starts the port.
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (v6) return { host: v6[1], port: v6[2] === undefined ? fallbackPort : parsePort(v6[2], url) };
  const colon = s.lastIndexOf(":");
  const host = colon >= 0 ? s.slice(0, colon) : s;
  if (!/^[A-Za-z0-9._-]+$/.test(host))
    throw new RedisUrlError(url, `${JSON.stringify(host)} is not a host name`);
  return { host, port: colon >= 0 ? parsePort(s.slice(colon + 1), url) : fallbackPort };
}

function parseDb(text: string, url: string): number {
  if (text === "") return 0;
  if (!/^\d{1,6}$/.test(text))
    throw new RedisUrlError(url, `the database index ${JSON.stringify(text)} is not a whole number`);
  return Number(text);
}

/**
 * `scheme://[[user]:password@]h1[:p1][,h2[:p2]...][/path]`. The password may itself contain `@` or
 * `:` (percent-encoded or not): the last `@` before the hosts ends it.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = SCHEMES.find((s) => url.startsWith(s));
  if (!scheme)
    throw new RedisUrlError(
      url,
      `must start with redis://, rediss://, redis-sentinel:// or redis-cluster:// `,
    );
  let rest = url.slice(scheme.length);
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : undefined;
  const afterAuth = rest.slice(at + 1);
  const slash = afterAuth.indexOf("/");
  const hostList = slash >= 0 ? afterAuth.slice(0, slash) : afterAuth;
  const path = slash >= 0 ? afterAuth.slice(slash + 1) : "";
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const colon = auth.indexOf(":");
    try {
      username = colon > 0 ? decodeURIComponent(auth.slice(0, colon)) : undefined;
      password = decodeURIComponent(colon >= 0 ? auth.slice(colon + 1) : auth) || undefined;
    } catch {
      throw new RedisUrlError(url, `the user name or password has a broken %-escape`);
    }
  }
  const kind =
    scheme === "redis-sentinel://" ? "sentinel" : scheme === "redis-cluster://" ? "cluster" : "standalone";
  const defaultPort = kind === "sentinel" ? 26379 : 6379;
  const hosts = hostList.split(",").map((hp) => parseHost(hp, defaultPort, url));
  if (kind === "standalone" && hosts.length > 1)
    throw new RedisUrlError(
      url,
      `one server only in ${scheme} URLs; list Sentinels with redis-sentinel:// or Cluster nodes with redis-cluster://`,
    );
  const tls = scheme === "rediss://";
  if (kind === "sentinel") {
    // redis-sentinel://hosts/mymaster[/db]
    const [name = "", db = ""] = path.split("/");
    return { kind, hosts, tls, username, password, masterName: name || "mymaster", db: parseDb(db, url) };
  }
  if (kind === "cluster") {
    if (path !== "" && path !== "0")
      throw new RedisUrlError(url, `a Redis Cluster has only database 0 (got /${path})`);
    return { kind, hosts, tls, username, password, db: 0 };
  }
  return { kind, hosts, tls, username, password, db: parseDb(path, url) };
}
