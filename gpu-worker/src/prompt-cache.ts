import { createHash } from "node:crypto";
import type { KeyNames } from "../../src/queue/queue-names.js";
import type { RedisLike } from "../../src/queue/redis-connection.js";
import type { PromptEmbedding } from "./flux/types.js";

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
 * Prompt embeddings (CLIP pooled + the T5 sequence) in Redis, shared by every worker: a re-run, a
 * chained edit or another worker never runs the text encoders again for a prompt one of them has seen.
 * Keyed by the model id (its configs and file sizes) and a hash of the prompt, stored as raw float32
 * (8 MB per prompt for FLUX.1-dev), each with a TTL so the cache cannot grow without bound.
 */
export class RedisPromptCache {
  hits = 0;
  misses = 0;

  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    private readonly ttlSeconds: number,
  ) {}

  key(modelId: string, prompt: string): string {
    const hash = createHash("sha256").update(prompt, "utf8").digest("hex");
    return `${this.keys.prefix}:prompt:${modelId}:${hash}`;
  }

  /** The stored embedding when it has the expected sizes; anything else counts as a miss. */
  async get(
    modelId: string,
    prompt: string,
    sizes: { pooled: number; sequence: number },
  ): Promise<PromptEmbedding | null> {
    const k = this.key(modelId, prompt);
    const [pooled, sequence] = await Promise.all([
      this.redis.hgetBuffer(k, "pooled"),
      this.redis.hgetBuffer(k, "sequence"),
    ]);
    if (
      !pooled ||
      !sequence ||
      pooled.byteLength !== sizes.pooled * 4 ||
      sequence.byteLength !== sizes.sequence * 4
    ) {
      this.misses++;
      return null;
    }
    this.hits++;
    await this.redis.expire(k, this.ttlSeconds);
    return { pooled: toFloat32(pooled), sequence: toFloat32(sequence) };
  }

  async set(modelId: string, prompt: string, embedding: PromptEmbedding): Promise<void> {
    const k = this.key(modelId, prompt);
    await this.redis
      .multi()
      .hset(k, { pooled: toBuffer(embedding.pooled), sequence: toBuffer(embedding.sequence) })
      .expire(k, this.ttlSeconds)
      .exec();
  }
}
