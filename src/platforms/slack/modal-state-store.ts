import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { RedisLike } from "../../queue/redis-connection.js";
import {
  type EditAgainMetadata,
  type EditImageMetadata,
  editAgainSchema,
  editImageSchema,
  type ModalMetadata,
} from "./modal-metadata.js";

/** How long a modal's record outlives its opening: a modal left open over lunch still submits. */
const TTL_SECONDS = 24 * 3600;
/** Ids are `rfm_` and 22 base64url characters: far inside private_metadata's 3000. */
const ID = /^rfm_[A-Za-z0-9_-]{22}$/;

/**
 * What a modal edits lives in Redis under a random id, and only the id travels in the view's
 * private_metadata. Slack caps private_metadata at 3000 characters and opens no modal past it; a file
 * URL plus a long emoji or CJK file name passes that easily, and a key never does.
 */
export class ModalStateStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly keyPrefix: string,
  ) {}

  async save(metadata: ModalMetadata): Promise<string> {
    const id = `rfm_${randomBytes(16).toString("base64url")}`;
    await this.redis.set(this.key(id), JSON.stringify(metadata), "EX", TTL_SECONDS);
    return id;
  }

  /** The "Edit image" record a submission names; null when unknown, expired or of another kind. */
  async editImage(privateMetadata: string): Promise<EditImageMetadata | null> {
    return this.load(privateMetadata, editImageSchema);
  }

  async editAgain(privateMetadata: string): Promise<EditAgainMetadata | null> {
    return this.load(privateMetadata, editAgainSchema);
  }

  private async load<T>(id: string, schema: z.ZodType<T>): Promise<T | null> {
    if (!ID.test(id)) return null;
    const raw = await this.redis.get(this.key(id));
    if (!raw) return null;
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private key(id: string): string {
    return `${this.keyPrefix}:slack-modal:${id}`;
  }
}
