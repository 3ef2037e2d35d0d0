import { QueueKeys } from "bullmq";
import type { Origin } from "../core/types.js";
import type { JobSlots, OpenJob, Reservation, SlotLimits, SlotOwner } from "./job-slots.js";
import { bullPrefix, EDIT_QUEUE } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

/** An intake (download, decode, store) that has not queued its job after this long is over. */
export const INTAKE_MAX_MS = 10 * 60_000;
/** A person's open-job set outlives its newest job by this much, should every release be lost. */
const OWNER_SET_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Admission in one step. The waiting work is what BullMQ itself counts as waiting (its `wait` and
 * `paused` lists, `prioritized` and `delayed` sets; see BullMQ's getCounts script) plus intakes
 * admitted but not queued yet. Every key carries the queue's hash tag, so on a Redis Cluster the
 * script runs on the one node that holds them all, as BullMQ's own scripts do.
 *
 * Returns {0} admitted, {1, waiting} queue full, {2, held} too many of the person's own,
 * {3, waitMs} rate-limited.
 */
const RESERVE = `
local waitKey, pausedKey, prioritizedKey, delayedKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local pendingKey, openKey, ownerKey, originKey = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local userKey, rateKey = KEYS[9], KEYS[10]
local jobId = ARGV[1]
local now = tonumber(ARGV[2])
local maxQueue = tonumber(ARGV[3])
local maxPerUser = tonumber(ARGV[4])
local rate = tonumber(ARGV[5])
local burst = tonumber(ARGV[6])
local intakeMaxMs = tonumber(ARGV[7])
local waiting = redis.call('LLEN', waitKey) + redis.call('LLEN', pausedKey)
  + redis.call('ZCARD', prioritizedKey) + redis.call('ZCARD', delayedKey)
  + redis.call('ZCOUNT', pendingKey, '(' .. (now - intakeMaxMs), '+inf')
if waiting >= maxQueue then return {1, waiting} end
local held = redis.call('ZCARD', userKey)
if held >= maxPerUser then return {2, held} end
local state = redis.call('HMGET', rateKey, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
if tokens < 1 then return {3, math.ceil((1 - tokens) / rate)} end
redis.call('HSET', rateKey, 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('PEXPIRE', rateKey, math.ceil(burst / rate) + 1000)
redis.call('ZADD', userKey, now, jobId)
redis.call('EXPIRE', userKey, tonumber(ARGV[8]))
redis.call('ZADD', pendingKey, now, jobId)
redis.call('ZADD', openKey, now, jobId)
redis.call('HSET', ownerKey, jobId, ARGV[9])
redis.call('HSET', originKey, jobId, ARGV[10])
return {0, 0}
`;

/** Frees every slot of one job; with ARGV[3] = 1 also gives the rate token back. Idempotent. */
const RELEASE = `
local pendingKey, openKey, ownerKey, originKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local jobId = ARGV[1]
local owner = redis.call('HGET', ownerKey, jobId)
redis.call('ZREM', pendingKey, jobId)
redis.call('ZREM', openKey, jobId)
redis.call('HDEL', ownerKey, jobId)
redis.call('HDEL', originKey, jobId)
if not owner then return 0 end
redis.call('ZREM', ARGV[2] .. 'user:' .. owner, jobId)
if ARGV[3] == '1' then
  local rateKey = ARGV[2] .. 'rate:' .. owner
  local tokens = tonumber(redis.call('HGET', rateKey, 'tokens'))
  if tokens then
    redis.call('HSET', rateKey, 'tokens', tostring(math.min(tonumber(ARGV[4]), tokens + 1)))
  end
end
return 1
`;

/** The job slots in Redis, shared by every bot process. */
export class RedisJobSlots implements JobSlots {
  private readonly base: string;
  private readonly queueKeys: Record<string, string>;

  constructor(
    private readonly redis: RedisLike,
    keyPrefix: string,
    private readonly limits: SlotLimits,
  ) {
    this.base = `${bullPrefix(keyPrefix)}:slots:`;
    this.queueKeys = new QueueKeys(bullPrefix(keyPrefix)).getKeys(EDIT_QUEUE);
  }

  async reserve(owner: SlotOwner, jobId: string, origin: Origin, now = Date.now()): Promise<Reservation> {
    const id = ownerId(owner);
    const [code, n] = (await this.redis.eval(
      RESERVE,
      10,
      this.queueKeys.wait,
      this.queueKeys.paused,
      this.queueKeys.prioritized,
      this.queueKeys.delayed,
      this.key("pending"),
      this.key("open"),
      this.key("owner"),
      this.key("origin"),
      this.key(`user:${id}`),
      this.key(`rate:${id}`),
      jobId,
      String(now),
      String(this.limits.maxQueueLength),
      String(this.limits.maxQueuedPerUser),
      String(this.limits.ratePerMinute / 60_000),
      String(this.limits.rateBurst),
      String(INTAKE_MAX_MS),
      String(OWNER_SET_TTL_SECONDS),
      id,
      JSON.stringify(origin),
    )) as [number, number];
    switch (code) {
      case 0:
        return { ok: true };
      case 1:
        return { ok: false, reason: "queue_full", limit: this.limits.maxQueueLength };
      case 2:
        return { ok: false, reason: "too_many_queued", held: n, limit: this.limits.maxQueuedPerUser };
      default:
        return { ok: false, reason: "rate_limited", retryAfterMs: n };
    }
  }

  async queued(jobId: string): Promise<void> {
    await this.redis.zrem(this.key("pending"), jobId);
  }

  async release(jobId: string, options: { refundRate?: boolean } = {}): Promise<void> {
    await this.redis.eval(
      RELEASE,
      4,
      this.key("pending"),
      this.key("open"),
      this.key("owner"),
      this.key("origin"),
      jobId,
      this.base,
      options.refundRate ? "1" : "0",
      String(this.limits.rateBurst),
    );
  }

  async openJobsOf(owner: SlotOwner): Promise<string[]> {
    return this.redis.zrange(this.key(`user:${ownerId(owner)}`), "0", "-1");
  }

  async admittedBefore(before: number, limit: number): Promise<OpenJob[]> {
    const flat = await this.redis.zrangebyscore(
      this.key("open"),
      "-inf",
      `(${before}`,
      "WITHSCORES",
      "LIMIT",
      0,
      limit,
    );
    const ids: string[] = [];
    const since: number[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      ids.push(flat[i]);
      since.push(Number(flat[i + 1]));
    }
    if (ids.length === 0) return [];
    const [owners, origins, pending] = await Promise.all([
      this.redis.hmget(this.key("owner"), ...ids),
      this.redis.hmget(this.key("origin"), ...ids),
      this.redis.zmscore(this.key("pending"), ...ids),
    ]);
    return ids.map((jobId, i) => ({
      jobId,
      owner: parseOwnerId(owners[i]),
      origin: parseOrigin(origins[i]),
      since: since[i],
      pending: pending[i] !== null,
    }));
  }

  private key(name: string): string {
    return this.base + name;
  }
}

/** Platform, workspace and user in one key part; each is escaped so no ':' inside one can shift them. */
function ownerId(owner: SlotOwner): string {
  return [owner.platform, owner.workspaceId, owner.userId].map(encodeURIComponent).join(":");
}

function parseOwnerId(id: string | null): SlotOwner {
  const [platform, workspaceId, userId] = (id ?? "::").split(":").map(decodeURIComponent);
  return { platform: platform as SlotOwner["platform"], workspaceId, userId };
}

function parseOrigin(raw: string | null): Origin | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Origin;
  } catch {
    return undefined;
  }
}
