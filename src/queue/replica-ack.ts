import { Cluster, type Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { watchOf } from "./connection-watch.js";
import { NotReplicatedError } from "./errors/not-replicated-error.js";
import { isRedisUnavailable } from "./errors/redis-unavailable.js";
import type { RedisLike } from "./redis-connection.js";

export interface ReplicaAckOptions {
  /** How long one WAIT may block (ms). */
  waitMs?: number;
  /** How long `confirm` keeps redoing and waiting before it gives up (ms). */
  deadlineMs?: number;
  logger?: Logger;
}

const REPLICA_COUNT_TTL_MS = 5000;

/**
 * Makes writes that a person is told about survive a failover. Redis replicates asynchronously, so
 * a master that dies (or is demoted by Sentinel) can take its last writes with it; `WAIT 1` returns
 * once a replica has every write this connection made, and Sentinel and Cluster promote the most
 * up-to-date replica. Where no replica exists there is nothing to wait for.
 *
 * WAIT only covers writes made on the connection it runs on. After a reconnection (a failover) the
 * connection is new, so its WAIT would confirm nothing: `confirm` then redoes the writes (they
 * must be idempotent) on the new master and waits again, until its deadline.
 */
export class ReplicaAck {
  private readonly waitMs: number;
  private readonly deadlineMs: number;
  private replicas?: { count: number; at: number; epoch: number };
  /** Confirmations given up on (metrics). */
  refused = 0;

  constructor(
    private readonly redis: RedisLike,
    o: ReplicaAckOptions = {},
  ) {
    this.waitMs = o.waitMs ?? 2000;
    this.deadlineMs = o.deadlineMs ?? 30_000;
    this.logger = o.logger;
  }

  private readonly logger?: Logger;

  /**
   * Runs `write` (idempotent: it may run more than once) and returns once a replica has it, or
   * throws NotReplicatedError when that cannot be confirmed before the deadline. Errors of `write`
   * itself that mean Redis is failing over are retried within the deadline too.
   */
  async confirm<T>(what: string, write: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.deadlineMs;
    let reason = "no answer";
    for (let attempt = 1; ; attempt++) {
      const w = watchOf(this.redis);
      const epoch = w.epoch;
      try {
        const result = await write();
        const acked = await this.waitForReplica(Math.min(this.waitMs, Math.max(100, deadline - Date.now())));
        if (w.epoch === epoch && acked) return result;
        reason = w.epoch !== epoch ? "the connection changed (failover)" : "no replica acknowledged in time";
      } catch (err) {
        if (!isRedisUnavailable(err)) throw err;
        reason = (err as Error).message;
      }
      if (Date.now() >= deadline) break;
      this.logger?.info({ what, attempt, reason }, "write not yet on a replica; writing again");
      await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 1000)));
    }
    this.refused++;
    throw new NotReplicatedError(what, reason);
  }

  /** True when every replica-having master this client writes to has a replica with its writes. */
  private async waitForReplica(waitMs: number): Promise<boolean> {
    if (this.redis instanceof Cluster) {
      // One connection per master; a write went to whichever master owns its key's slot.
      const masters = this.redis.nodes("master");
      const acks = await Promise.all(masters.map((node) => this.waitOn(node, waitMs)));
      return acks.every(Boolean);
    }
    return this.waitOn(this.redis, waitMs);
  }

  private async waitOn(node: Redis, waitMs: number): Promise<boolean> {
    const replicas = await this.replicaCount(node);
    if (replicas === 0) return true;
    const acked = Number(await node.call("WAIT", 1, waitMs));
    return acked >= 1;
  }

  /** Connected replicas of the node (INFO replication), cached briefly per connection. */
  private async replicaCount(node: Redis): Promise<number> {
    const epoch = watchOf(this.redis).epoch;
    const cached = node === this.redis ? this.replicas : undefined;
    if (cached && cached.epoch === epoch && Date.now() - cached.at < REPLICA_COUNT_TTL_MS)
      return cached.count;
    const info = String(await node.info("replication"));
    const count = Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0);
    if (node === this.redis) this.replicas = { count, at: Date.now(), epoch };
    return count;
  }
}
