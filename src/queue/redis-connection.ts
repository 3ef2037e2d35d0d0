import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logger.js";
import { describeRedisError, watchOf } from "./connection-watch.js";
import { parseRedisUrl, type RedisTarget } from "./redis-url.js";

export type RedisLike = Redis | Cluster;

/** Reconnect forever, backing off to 5 s: a Redis outage must never end the process. */
function retryStrategy(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 6), 5000);
}

/**
 * How long requests ride out a failover before they give up (docs/operations.md): Sentinel's and
 * Cluster's own failovers take a few seconds with sane timeouts, 30 s covers a slow one.
 */
export const FAILOVER_RIDE_OUT_MS = 30_000;
/** ioredis' delays between retries of one command on a Cluster (its defaults are 100 ms). */
const CLUSTER_RETRY_DELAY_MS = 300;

/**
 * Errors after which the connection must be rebuilt and the command sent again: `READONLY` (the
 * node we write to was demoted, so Sentinel's new master must be asked for), `LOADING` (a
 * restarted node still reading its data), `MASTERDOWN` (a replica that lost its master). Returning
 * 2 tells ioredis to reconnect and resend the command (lib/Redis.ts, handleReconnection).
 */
export function reconnectOnError(err: Error): 2 | false {
  return /^(READONLY|LOADING|MASTERDOWN)\b/.test(err.message) ? 2 : false;
}

const where = (t: RedisTarget) => t.hosts.map((h) => `${h.host}:${h.port}`).join(",");

/** "HOST:PORT" in words for log lines: the server, the Sentinels, or the Cluster's start nodes. */
export function describeTarget(t: RedisTarget): string {
  if (t.kind === "sentinel") return `${where(t)} (Sentinels of "${t.masterName}")`;
  if (t.kind === "cluster") return `${where(t)} (Cluster)`;
  return where(t);
}

const targets = new WeakMap<RedisLike, RedisTarget>();

/** What the client was built from (its URL, parsed); undefined for clients made elsewhere. */
export function targetOf(client: RedisLike): RedisTarget | undefined {
  return targets.get(client);
}

/**
 * One factory for every Redis connection. `redis://` and `rediss://` are plain (TLS) servers;
 * `redis-sentinel://[[user]:password@]h1:26379,h2:26379/mymaster[/db]` asks Sentinels for the
 * master (the password is the master's) and follows a failover the moment Sentinel announces it;
 * `redis-cluster://[[user]:password@]h1:6379,h2:6379` is a Cluster that retries through a failover.
 * BullMQ needs `maxRetriesPerRequest: null`. A malformed URL throws a RedisUrlError naming REDIS_URL.
 */
export function createRedis(url: string, logger?: Logger, name = "redis"): RedisLike {
  const target = parseRedisUrl(url);
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy,
    reconnectOnError,
    connectionName: `rf-edit:${name}`,
    username: target.username,
    password: target.password,
  };
  let client: RedisLike;
  if (target.kind === "sentinel") {
    client = new Redis({
      ...base,
      sentinels: target.hosts,
      name: target.masterName,
      db: target.db,
      sentinelRetryStrategy: retryStrategy,
      // Without it ioredis keeps writing to a demoted master until the connection breaks, and a
      // full resync then erases those writes (lib/connectors/SentinelConnector/FailoverDetector.ts).
      failoverDetector: true,
      ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    });
  } else if (target.kind === "cluster") {
    client = new Cluster(target.hosts, {
      redisOptions: { ...base, ...(target.tls ? { tls: {} } : {}) },
      clusterRetryStrategy: retryStrategy,
      // Each retry of a command during a failover (MOVED to a dead node, CLUSTERDOWN, TRYAGAIN,
      // a closed connection) uses one redirection; enough of them, spaced out, to last 30 s.
      retryDelayOnFailover: CLUSTER_RETRY_DELAY_MS,
      retryDelayOnClusterDown: CLUSTER_RETRY_DELAY_MS,
      retryDelayOnTryAgain: CLUSTER_RETRY_DELAY_MS,
      maxRedirections: Math.ceil(FAILOVER_RIDE_OUT_MS / CLUSTER_RETRY_DELAY_MS) + 16,
      slotsRefreshTimeout: 2000,
    });
  } else {
    const h = target.hosts[0];
    client = new Redis({
      ...base,
      host: h.host,
      port: h.port,
      db: target.db,
      ...(target.tls ? { tls: {} } : {}),
    });
  }
  targets.set(client, target);
  watch(client, logger, name, target);
  return client;
}

/** Where a plain or Sentinel connection is connected now ("host:port"). */
function remoteOf(client: Redis): string | undefined {
  const s = client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return s?.remoteAddress && s.remotePort ? `${s.remoteAddress}:${s.remotePort}` : undefined;
}

function mastersOf(cluster: Cluster): string {
  return cluster
    .nodes("master")
    .map((n) => `${n.options.host}:${n.options.port}`)
    .sort()
    .join(",");
}

const LOG_EVERY_MS = 10_000;
const outages = new Map<string, { loggedAt: number; downSince: number; reporter?: RedisLike }>();

/**
 * Keeps the client's ConnectionWatch and logs an outage in words: one line "waiting for Redis at
 * HOST:PORT (reason)", repeated at most every 10 s while it lasts, and one line when it is back.
 * Also the `error` listener every connection needs: without one, ioredis prints "Unhandled error
 * event" for each failed reconnect.
 */
function watch(client: RedisLike, logger: Logger | undefined, name: string, target: RedisTarget): void {
  const w = watchOf(client);
  const where = describeTarget(target);
  // Every connection of the process to the same Redis shares one log line per 10 s.
  const outage = outages.get(where) ?? { loggedAt: 0, downSince: 0, reporter: undefined };
  outages.set(where, outage);
  client.on("error", (err: Error) => {
    w.failed(err);
    if (outage.downSince === 0) outage.downSince = Date.now();
    if (Date.now() - outage.loggedAt < LOG_EVERY_MS) return;
    outage.loggedAt = Date.now();
    outage.reporter = client;
    const reason = describeRedisError(err);
    logger?.warn({ redis: name, reason }, `waiting for Redis at ${where} (${reason})`);
  });
  client.on("close", () => w.closed());
  client.on("ready", () => {
    w.ready(client instanceof Cluster ? mastersOf(client) : remoteOf(client));
    if (outage.reporter !== client) return;
    logger?.info(
      { redis: name, downMs: outage.downSince ? Date.now() - outage.downSince : undefined },
      `Redis at ${where} is reachable again`,
    );
    outage.loggedAt = 0;
    outage.downSince = 0;
    outage.reporter = undefined;
  });
  if (client instanceof Cluster) {
    // A Cluster failover moves slots to a replica without the client going down.
    client.on("refresh", () => w.switchTo(mastersOf(client)));
    client.on("-node", () => w.epoch++);
  }
  w.onFailover((from, to) =>
    logger?.warn({ redis: name, from, to }, "Redis failover: now writing to a new master"),
  );
}

/**
 * A second connection with the same settings (BullMQ's blocking reads and pub/sub need their own).
 * ioredis copies the options but not the listeners, so it gets its own watch.
 */
export function duplicateRedis(client: RedisLike, logger?: Logger, name = "redis"): RedisLike {
  // Both branches are the same call: TypeScript cannot call `duplicate` on the Redis | Cluster union.
  const copy = client instanceof Cluster ? client.duplicate() : client.duplicate();
  const target = targets.get(client);
  if (target) {
    targets.set(copy, target);
    watch(copy, logger, name, target);
  } else {
    watch(copy, logger, name, { kind: "standalone", hosts: [], tls: false, db: 0 });
  }
  return copy;
}
