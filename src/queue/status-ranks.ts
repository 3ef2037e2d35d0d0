import type { JobProgressData } from "./job-schemas.js";
import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

const PHASES: JobProgressData["phase"][] = ["preparing", "inverting", "editing", "finishing"];

/** Queued (any position) is 0; every later phase and step is higher; an ended job is highest. */
export const QUEUED_RANK = 0;
export const ENDED_RANK = Number.MAX_SAFE_INTEGER;

export function progressRank(p: JobProgressData): number {
  return (PHASES.indexOf(p.phase) + 1) * 1_000_000 + Math.min(p.step, 999_999);
}

const TTL_SECONDS = 24 * 3600;

/**
 * Raises the rank only; says whether `rank` is at least what was shown. One script, so two bots
 * that both follow the queue's events cannot interleave their checks.
 */
const CLAIM = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
local rank = tonumber(ARGV[1])
if rank < current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
`;

/**
 * How far each job's status message has got, kept in Redis so that no bot (this one after a
 * reconnection replays old events, or another one) writes an older state over a newer one.
 */
export class StatusRanks {
  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
  ) {}

  private key(jobId: string): string {
    return `${this.keys.prefix}:statusrank:${jobId}`;
  }

  /** True when `rank` is not older than what the message shows (and it now shows at least that). */
  async claim(jobId: string, rank: number): Promise<boolean> {
    return Number(await this.redis.eval(CLAIM, 1, this.key(jobId), String(rank), TTL_SECONDS)) === 1;
  }

  /** The job ended: its final status is the delivery's, nothing from progress may follow it. */
  async end(jobId: string): Promise<void> {
    await this.claim(jobId, ENDED_RANK);
  }
}
