import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logger.js";

export type RedisLike = Redis | Cluster;

/** Reconnect forever, backing off to 5 s: a Redis outage must never end the process. */
function retryStrategy(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 6), 5000);
}

function hostsOf(list: string): { host: string; port: number }[] {
  return list.split(",").map((hp) => {
    const [host, port] = hp.trim().split(":");
    return { host: host || "127.0.0.1", port: Number(port || 6379) };
  });
}

/**
 * `[user:]password@h1:p1,h2:p2/path` → its parts. The password may itself contain `@` or `:`
 * (percent-encoded or not): the last `@` ends it.
 */
function splitMultiHostUrl(rest: string): {
  username?: string;
  password?: string;
  hosts: string;
  path: string;
} {
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : undefined;
  const [hosts, path = ""] = rest.slice(at + 1).split("/", 2);
  if (auth === undefined) return { hosts, path };
  const colon = auth.indexOf(":");
  const username = colon > 0 ? decodeURIComponent(auth.slice(0, colon)) : undefined;
  const password = decodeURIComponent(colon >= 0 ? auth.slice(colon + 1) : auth);
  return { username, password: password || undefined, hosts, path };
}

/**
 * One factory for every Redis connection. `redis://` and `rediss://` are plain (TLS) servers;
 * `redis-sentinel://[[user]:password@]h1:26379,h2:26379/mymaster` asks Sentinels for the master
 * (the password is the master's); `redis-cluster://[[user]:password@]h1:6379,h2:6379` is a Cluster. BullMQ needs `maxRetriesPerRequest: null`.
 */
export function createRedis(url: string, logger?: Logger, name = "redis"): RedisLike {
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy,
    connectionName: `rf-edit:${name}`,
  };
  let client: RedisLike;
  if (url.startsWith("redis-sentinel://")) {
    const { username, password, hosts, path } = splitMultiHostUrl(url.slice("redis-sentinel://".length));
    client = new Redis({
      ...base,
      sentinels: hostsOf(hosts),
      name: path || "mymaster",
      username,
      password,
      sentinelRetryStrategy: retryStrategy,
    });
  } else if (url.startsWith("redis-cluster://")) {
    const { username, password, hosts } = splitMultiHostUrl(url.slice("redis-cluster://".length));
    client = new Cluster(hostsOf(hosts), {
      redisOptions: { ...base, username, password },
      clusterRetryStrategy: retryStrategy,
    });
  } else {
    client = new Redis(url, base);
  }
  reportOutages(client, logger, name);
  return client;
}

/**
 * Logs an outage once and the recovery once. Also the `error` listener every connection needs:
 * without one, ioredis prints "Unhandled error event" for each failed reconnect.
 */
function reportOutages(client: RedisLike, logger: Logger | undefined, name: string): void {
  let down = false;
  client.on("error", (err: Error) => {
    if (!down) logger?.error({ err, redis: name }, "Redis is unreachable; retrying until it answers");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger?.info({ redis: name }, "Redis is reachable again");
    down = false;
  });
}

/**
 * A second connection with the same settings (BullMQ's blocking reads and pub/sub need their own).
 * ioredis copies the options but not the listeners, so it gets its own outage reporting.
 */
export function duplicateRedis(client: RedisLike, logger?: Logger, name = "redis"): RedisLike {
  // Both branches are the same call: TypeScript cannot call `duplicate` on the Redis | Cluster union.
  const copy = client instanceof Cluster ? client.duplicate() : client.duplicate();
  reportOutages(copy, logger, name);
  return copy;
}
