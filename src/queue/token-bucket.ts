import type { RedisLike } from "./redis-connection.js";

/**
 * A token bucket per key, in Redis so every bot process shares it (the playground's reactions,
 * Compare and tile picks; edit admission has its own script in RedisJobSlots). Refill and take are one Lua
 * script: two bot replicas can never both spend the last token.
 */
const TAKE = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])       -- tokens per millisecond
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4]) or 1
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local allowed = 0
local waitMs = 0
if tokens >= 1 then
  tokens = tokens - cost
  allowed = 1
else
  waitMs = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, math.ceil(burst / rate) + 1000)
return {allowed, waitMs}
`;

export class TokenBucket {
  constructor(
    private readonly redis: RedisLike,
    private readonly perMinute: number,
    private readonly burst: number,
  ) {}

  /**
   * `cost` > 1 (Try strengths counts as four edits) needs one token like any request and then goes
   * into debt: a burst smaller than the cost must not forbid it, but the next request waits longer.
   */
  async take(key: string, now = Date.now(), cost = 1): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const [allowed, waitMs] = (await this.redis.eval(
      TAKE,
      1,
      key,
      String(this.perMinute / 60_000),
      String(this.burst),
      String(now),
      String(cost),
    )) as [number, number];
    return { allowed: allowed === 1, retryAfterMs: waitMs };
  }
}
