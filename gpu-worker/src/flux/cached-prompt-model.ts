import type { Logger } from "../../../src/logger.js";
import type { RedisPromptCache } from "../prompt-cache.js";
import { LruCache } from "./lru-cache.js";
import type { FluxModel, PromptEmbedding, TransformerInput } from "./types.js";

/**
 * A FluxModel whose prompt embeddings come from the shared Redis cache when any worker has computed
 * them, and go there when this one does. A local LRU keeps repeated prompts off Redis too. A cache that
 * is down costs a text-encoder run, never a failed edit.
 */
export class CachedPromptModel implements FluxModel {
  private readonly local = new LruCache<string, Promise<PromptEmbedding>>(16);

  constructor(
    private readonly model: FluxModel,
    private readonly cache: RedisPromptCache,
    private readonly logger: Logger,
  ) {}

  get info() {
    return this.model.info;
  }

  encodePrompt(prompt: string): Promise<PromptEmbedding> {
    const known = this.local.get(prompt);
    if (known) return known;
    const pending = this.lookUp(prompt);
    this.local.set(prompt, pending);
    pending.catch(() => this.local.delete(prompt));
    return pending;
  }

  private async lookUp(prompt: string): Promise<PromptEmbedding> {
    const { id, pooledDim, textDim, maxPromptTokens } = this.model.info;
    try {
      const hit = await this.cache.get(id, prompt, {
        pooled: pooledDim,
        sequence: maxPromptTokens * textDim,
      });
      if (hit) return hit;
    } catch (err) {
      this.logger.warn({ err }, "prompt cache read failed; running the text encoders");
    }
    const embedding = await this.model.encodePrompt(prompt);
    try {
      await this.cache.set(id, prompt, embedding);
    } catch (err) {
      this.logger.warn({ err }, "prompt cache write failed; other workers will encode this prompt again");
    }
    return embedding;
  }

  vaeEncode(pixels: Float32Array, width: number, height: number): Promise<Float32Array> {
    return this.model.vaeEncode(pixels, width, height);
  }

  vaeDecode(latent: Float32Array, width: number, height: number): Promise<Float32Array> {
    return this.model.vaeDecode(latent, width, height);
  }

  transformer(input: TransformerInput): Promise<Float32Array> {
    return this.model.transformer(input);
  }

  close(): Promise<void> {
    return this.model.close();
  }
}
