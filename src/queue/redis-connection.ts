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
 * One factory for every Redis connection. `redis://` and `rediss://` are plain (TLS) servers;
 * `redis-sentinel://h1:26379,h2:26379/mymaster` asks Sentinels for the master;
 * `redis-cluster://h1:6379,h2:6379` is a Cluster. BullMQ needs `maxRetriesPerRequest: null`.
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
    const rest = url.slice("redis-sentinel://".length);
    const [auth, hostsAndName] = rest.includes("@") ? rest.split("@", 2) : [undefined, rest];
    const [hosts, masterName = "mymaster"] = hostsAndName.split("/", 2);
    const password = auth?.includes(":") ? decodeURIComponent(auth.split(":")[1]) : undefined;
    client = new Redis({
      ...base,
      sentinels: hostsOf(hosts),
      name: masterName,
      password,
      sentinelRetryStrategy: retryStrategy,
    });
  } else if (url.startsWith("redis-cluster://")) {
    client = new Cluster(hostsOf(url.slice("redis-cluster://".length).split("/")[0]), {
      redisOptions: base,
      clusterRetryStrategy: retryStrategy,
    });
  } else {
    client = new Redis(url, base);
  }
  let down = false;
  client.on("error", (err: Error) => {
    if (!down) logger?.error({ err, redis: name }, "Redis is unreachable; retrying until it answers");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger?.info({ redis: name }, "Redis is reachable again");
    down = false;
  });
  return client;
}

/** A second connection with the same settings (BullMQ's blocking reads and pub/sub need their own). */
export function duplicateRedis(client: RedisLike): RedisLike {
  return client instanceof Cluster ? client.duplicate() : client.duplicate();
}
