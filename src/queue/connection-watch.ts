import type { Cluster, Redis } from "ioredis";

type Client = Redis | Cluster;

/** One of the reasons ioredis gives, in words a person running the bot understands. */
export function describeRedisError(err: Error & { code?: string }): string {
  const m = err.message ?? "";
  const code = err.code ?? /\b(E[A-Z]{4,})\b/.exec(m)?.[1];
  if (code === "ECONNREFUSED") return "connection refused: nothing is listening there yet";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve";
  if (code === "ETIMEDOUT" || /timed? ?out/i.test(m)) return "the connection timed out";
  if (code === "ECONNRESET" || code === "EPIPE") return "the connection was cut";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the host cannot be reached";
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(m))
    return "the user name or password in REDIS_URL is not accepted";
  if (/DB index is out of range/i.test(m)) return "DB index is out of range";
  if (/^READONLY/.test(m)) return "the server is a read-only replica now (failover)";
  if (/^LOADING/.test(m)) return "the server is loading its data";
  if (/^MASTERDOWN/.test(m)) return "the replica has lost its master";
  if (/^CLUSTERDOWN/.test(m)) return "the cluster is down";
  if (/All sentinels are unreachable/.test(m))
    return "no Sentinel named a master that answers (a failover may be under way, or the master is down)";
  if (/Too many Cluster redirections/.test(m)) return "the cluster did not settle in time";
  if (/Failed to refresh slots cache/.test(m)) return "no cluster node answered";
  if (m === "Connection is closed.") return "the connection is closed";
  return m.split("\n")[0].slice(0, 200);
}

/** Reasons that no retry can fix: the URL names something the server refuses. */
export function isConfigurationProblem(err: Error): boolean {
  return /DB index is out of range|WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(
    err.message ?? "",
  );
}

type FailoverListener = (from: string, to: string) => void;

/**
 * What the process knows about one Redis client: up or down and why, which master it talks to,
 * and a counter of reconnections (`epoch`). WAIT counts only the writes of the connection it runs
 * on, so a confirmation obtained on a newer connection than the writes says nothing about them.
 */
export class ConnectionWatch {
  epoch = 0;
  up = false;
  lastError?: Error;
  failovers = 0;
  configProblem?: Error;
  /** The master this client writes to now ("host:port"; for a Cluster, the sorted set of masters). */
  master?: string;
  private readonly failoverListeners: FailoverListener[] = [];
  private readonly stateListeners: ((up: boolean) => void)[] = [];

  constructor(readonly client: Client) {}

  onFailover(listener: FailoverListener): void {
    this.failoverListeners.push(listener);
  }

  onStateChange(listener: (up: boolean) => void): void {
    this.stateListeners.push(listener);
  }

  /** @internal the connection is (again) ready on `master`. */
  ready(master: string | undefined): void {
    this.epoch++;
    this.setUp(true);
    this.switchTo(master);
  }

  /** @internal */
  switchTo(master: string | undefined): void {
    if (master === undefined) return;
    const before = this.master;
    this.master = master;
    if (before !== undefined && before !== master) {
      this.failovers++;
      for (const l of this.failoverListeners) l(before, master);
    }
  }

  /** @internal */
  failed(err: Error): void {
    this.lastError = err;
    if (isConfigurationProblem(err)) this.configProblem = err;
    this.setUp(false);
  }

  /** @internal the connection closed (a failover, a restart, or shutdown). */
  closed(): void {
    this.epoch++;
    this.setUp(false);
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    for (const l of this.stateListeners) l(up);
  }
}

const watches = new WeakMap<Client, ConnectionWatch>();

export function watchOf(client: Client): ConnectionWatch {
  let w = watches.get(client);
  if (!w) {
    w = new ConnectionWatch(client);
    watches.set(client, w);
  }
  return w;
}
