import { Cluster, Redis } from "ioredis";
import { describeRedisError, watchOf } from "../queue/connection-watch.js";
import { type RedisLike, targetOf } from "../queue/redis-connection.js";

const CHECK_TIMEOUT_MS = 2000;

export interface RedisHealth {
  /** Writable and settled: the node is a master, the cluster is up, no Sentinel failover runs. */
  ok: boolean;
  /** Why not, in words. */
  reason?: string;
}

async function timed<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One Sentinel's view of the master: its flags (s_down, o_down, failover_in_progress) and address. */
async function askSentinel(
  host: string,
  port: number,
  masterName: string,
): Promise<{ flags: string[]; address: string }> {
  const sentinel = new Redis({
    host,
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: CHECK_TIMEOUT_MS,
  });
  sentinel.on("error", () => undefined);
  try {
    await timed(sentinel.connect(), "Sentinel connect");
    const reply = (await timed(
      sentinel.call("SENTINEL", "MASTER", masterName),
      "SENTINEL MASTER",
    )) as string[];
    const field = (name: string) => reply[reply.indexOf(name) + 1] ?? "";
    return { flags: field("flags").split(","), address: `${field("ip")}:${field("port")}` };
  } finally {
    sentinel.disconnect();
  }
}

/**
 * Whether this process can write to Redis now, asked of Redis itself: ROLE says master (a demoted
 * master answers PING but refuses writes), a Cluster says cluster_state:ok, and for Sentinel the
 * first Sentinel that answers has no failover in progress and no down flag on the master.
 */
export async function checkRedisHealth(redis: RedisLike): Promise<RedisHealth> {
  try {
    if (redis instanceof Cluster) {
      const info = String(await timed(redis.cluster("INFO"), "CLUSTER INFO"));
      const state = /cluster_state:(\w+)/.exec(info)?.[1];
      if (state !== "ok") return { ok: false, reason: `the cluster is down (cluster_state:${state ?? "?"})` };
      // A master that just died still owns its slots until its replica takes over (node timeout):
      // the cluster says ok, but writes to those slots fail meanwhile.
      const nodes = String(await timed(redis.cluster("NODES"), "CLUSTER NODES"));
      const failing = nodes
        .split("\n")
        .filter(
          (line) => /\bmaster\b/.test(line.split(" ")[2] ?? "") && /fail/.test(line.split(" ")[2] ?? ""),
        );
      if (failing.length > 0)
        return {
          ok: false,
          reason: `a cluster master is failing (${failing.map((l) => l.split(" ")[1]).join(", ")})`,
        };
      const down = await Promise.all(
        redis.nodes("master").map((node) =>
          timed(node.ping(), "PING").then(
            () => null,
            () => `${node.options.host}:${node.options.port}`,
          ),
        ),
      );
      const silent = down.filter((d): d is string => d !== null);
      if (silent.length > 0)
        return { ok: false, reason: `a cluster master does not answer (${silent.join(", ")})` };
      return { ok: true };
    }
    const role = (await timed(redis.call("ROLE"), "ROLE")) as unknown[];
    if (role[0] !== "master")
      return { ok: false, reason: `connected to a ${String(role[0])}, not a writable master` };
    const target = targetOf(redis);
    if (target?.kind === "sentinel" && target.masterName) {
      for (const s of target.hosts) {
        let view: { flags: string[]; address: string };
        try {
          view = await askSentinel(s.host, s.port, target.masterName);
        } catch {
          continue;
        }
        if (view.flags.includes("failover_in_progress"))
          return { ok: false, reason: "a Sentinel failover is in progress" };
        if (view.flags.includes("o_down") || view.flags.includes("s_down"))
          return { ok: false, reason: "the Sentinels see the master as down" };
        return { ok: true };
      }
      return { ok: false, reason: "no Sentinel answers" };
    }
    return { ok: true };
  } catch (err) {
    const w = watchOf(redis);
    return { ok: false, reason: describeRedisError((w.up ? err : (w.lastError ?? err)) as Error) };
  }
}
