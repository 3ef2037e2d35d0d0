import type { KeyNames } from "../../src/queue/queue-names.js";
import type { RedisLike } from "../../src/queue/redis-connection.js";
import type { InversionCache, InversionEntry } from "./flux/types.js";

function toBuffer(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function toFloat32(b: Buffer): Float32Array {
  // Copy into an aligned buffer: ioredis' Buffers can start at any byte offset.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/**
 * The inversion cache in Redis, shared by every worker on every machine: a re-run with another
 * strength, prompt or seed skips the inversion pass wherever it lands. Latents are stored as raw
 * float32 bytes (16 MB at 1024x1024 for both), with a TTL.
 */
export class RedisInversionCache implements InversionCache {
  hits = 0;
  misses = 0;

  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    private readonly ttlSeconds: number,
  ) {}

  async get(key: string): Promise<InversionEntry | null> {
    const k = this.keys.inversion(key);
    const [meta, y0, inverted] = await Promise.all([
      this.redis.hget(k, "meta"),
      this.redis.hgetBuffer(k, "y0"),
      this.redis.hgetBuffer(k, "inverted"),
    ]);
    if (!meta || !y0 || !inverted || y0.byteLength !== inverted.byteLength || y0.byteLength % 4 !== 0) {
      this.misses++;
      return null;
    }
    const { width, height } = JSON.parse(meta) as { width: number; height: number };
    this.hits++;
    await this.redis.expire(k, this.ttlSeconds);
    return { width, height, y0: toFloat32(y0), inverted: toFloat32(inverted) };
  }

  async set(key: string, entry: InversionEntry): Promise<void> {
    const k = this.keys.inversion(key);
    await this.redis
      .multi()
      .hset(k, {
        meta: JSON.stringify({ width: entry.width, height: entry.height }),
        y0: toBuffer(entry.y0),
        inverted: toBuffer(entry.inverted),
      })
      .expire(k, this.ttlSeconds)
      .exec();
  }
}
