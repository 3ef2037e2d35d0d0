import { sha256Hex } from "../images/content-hash.js";
import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

export { sha256Hex };

/**
 * Images and results live in Redis under their sha256, never inside job data: the same picture
 * stored twice is one key, and every worker on every machine reads it by that key.
 */
export class ImageStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    private readonly ttlSeconds: number,
  ) {}

  /** Stores the bytes (refreshing the TTL when already there) and returns their key. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    await this.redis.set(
      this.keys.image(sha),
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      "EX",
      this.ttlSeconds,
    );
    return sha;
  }

  async get(sha: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.image(sha));
  }

  /** Keeps an image alive while a job or a re-runnable result still points at it. */
  async touch(sha: string): Promise<boolean> {
    return (await this.redis.expire(this.keys.image(sha), this.ttlSeconds)) === 1;
  }
}
