import type { Logger } from "../../../src/logger.js";
import { LruCache } from "./lru-cache.js";
import type { SessionHost } from "./onnx/session-host.js";
import type { WireTensor } from "./onnx/worker-protocol.js";
import type { ClipTokenizer } from "./tokenizers/clip-tokenizer.js";
import type { T5Tokenizer } from "./tokenizers/t5-tokenizer.js";
import type { FluxModel, ModelInfo, PromptEmbedding, TransformerInput } from "./types.js";

export interface FluxModelParts {
  info: ModelInfo;
  host: SessionHost;
  clip: ClipTokenizer;
  t5: T5Tokenizer;
  vae: { scalingFactor: number; shiftFactor: number; latentChannels: number };
  /** Ranks of img_ids / txt_ids: 2 in current exports, 3 (with a batch axis) in exports before diffusers 0.31. */
  idsRank: { img: number; txt: number };
  /** Element types the transformer declares for img_ids / txt_ids (int64 in the current export). */
  idsType?: { img: string; txt: string };
  clipIdsType: "int64" | "int32";
  logger: Logger;
  promptCacheSize?: number;
}

type IdsArray = Float32Array | BigInt64Array | Int32Array;

/**
 * Position ids in the element type the transformer declares, made on this thread once rather than on
 * every call: at 1024x1024 that is 12288 values per step. Other types (float16) are left to
 * tensor-convert.ts, which converts any feed to what its session declares.
 */
function idsIn(values: Float32Array, type: string | undefined): IdsArray {
  if (type === "int64") return BigInt64Array.from(values, (v) => BigInt(v));
  if (type === "int32") return Int32Array.from(values);
  return values;
}

function ids(values: number[], type: "int64" | "int32"): BigInt64Array | Int32Array {
  return type === "int64" ? BigInt64Array.from(values, (v) => BigInt(v)) : Int32Array.from(values);
}

/**
 * FluxModel on ONNX sessions living in a worker thread. Prompt embeddings are cached (small LRU) and
 * shared between callers: treat them as read-only.
 */
export class OnnxFluxModel implements FluxModel {
  readonly info: ModelInfo;
  private readonly prompts: LruCache<string, Promise<PromptEmbedding>>;
  private readonly txtIds: IdsArray;
  /** img_ids in the session's type, made once per ids array (an edit passes the same one every step). */
  private readonly imgIdsAs = new WeakMap<Float32Array, IdsArray>();
  private closed = false;
  /** How many times CLIP and T5 actually ran (cache hits do not count): for tests and benchmarks. */
  textEncoderRuns = 0;

  constructor(private readonly parts: FluxModelParts) {
    this.info = parts.info;
    this.prompts = new LruCache(parts.promptCacheSize ?? 16);
    this.txtIds = idsIn(new Float32Array(parts.t5.maxTokens * 3), parts.idsType?.txt);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error("the Flux model is closed");
  }

  encodePrompt(prompt: string): Promise<PromptEmbedding> {
    if (this.closed) return Promise.reject(new Error("the Flux model is closed"));
    const cached = this.prompts.get(prompt);
    if (cached) return cached;
    // Tokenising first: a prompt that is too long fails before any model work, and is not cached.
    let t5Ids: number[];
    let clipIds: number[];
    try {
      t5Ids = this.parts.t5.encode(prompt);
      clipIds = this.parts.clip.encode(prompt);
    } catch (err) {
      return Promise.reject(err);
    }
    const pending = this.runTextEncoders(clipIds, t5Ids);
    this.prompts.set(prompt, pending);
    pending.catch(() => this.prompts.delete(prompt));
    return pending;
  }

  private async runTextEncoders(clipIds: number[], t5Ids: number[]): Promise<PromptEmbedding> {
    const started = performance.now();
    this.textEncoderRuns++;
    const clipOut = await this.parts.host.run("text_encoder", {
      input_ids: { data: ids(clipIds, this.parts.clipIdsType), dims: [1, clipIds.length] },
    });
    const t5Out = await this.parts.host.run("text_encoder_2", {
      input_ids: { data: ids(t5Ids, "int64"), dims: [1, t5Ids.length] },
    });
    const pooled = clipOut.pooler_output.data;
    const sequence = t5Out.last_hidden_state.data;
    const { pooledDim, textDim } = this.info;
    if (pooled.length !== pooledDim)
      throw new Error(`CLIP gave ${pooled.length} pooled values, expected ${pooledDim}`);
    if (sequence.length !== t5Ids.length * textDim) {
      throw new Error(`T5 gave ${sequence.length} values, expected ${t5Ids.length} x ${textDim}`);
    }
    this.parts.logger.debug({ ms: Math.round(performance.now() - started) }, "prompt encoded");
    return { pooled, sequence };
  }

  async vaeEncode(pixels: Float32Array, width: number, height: number): Promise<Float32Array> {
    this.ensureOpen();
    checkSize(width, height);
    if (pixels.length !== 3 * width * height) {
      throw new Error(
        `vaeEncode: ${pixels.length} values for a ${width}x${height} RGB image (expected ${3 * width * height})`,
      );
    }
    const out = await this.parts.host.run("vae_encoder", {
      sample: { data: pixels, dims: [1, 3, height, width] },
    });
    const params = out.latent_parameters;
    const { scalingFactor, shiftFactor, latentChannels } = this.parts.vae;
    const plane = (width / 8) * (height / 8);
    if (params.dims[1] !== 2 * latentChannels || params.data.length !== 2 * latentChannels * plane) {
      throw new Error(
        `the VAE encoder gave shape [${params.dims}], expected [1,${2 * latentChannels},${height / 8},${width / 8}]`,
      );
    }
    // The mean (first half of the channels), never a sample: the same image always gives the same latent.
    const latent = new Float32Array(latentChannels * plane);
    for (let i = 0; i < latent.length; i++) latent[i] = (params.data[i] - shiftFactor) * scalingFactor;
    return latent;
  }

  async vaeDecode(latent: Float32Array, width: number, height: number): Promise<Float32Array> {
    this.ensureOpen();
    checkSize(width, height);
    const { scalingFactor, shiftFactor, latentChannels } = this.parts.vae;
    const h = height / 8;
    const w = width / 8;
    if (latent.length !== latentChannels * h * w) {
      throw new Error(
        `vaeDecode: ${latent.length} values for a ${width}x${height} image (expected ${latentChannels * h * w})`,
      );
    }
    const unscaled = new Float32Array(latent.length);
    for (let i = 0; i < latent.length; i++) unscaled[i] = latent[i] / scalingFactor + shiftFactor;
    const out = await this.parts.host.run("vae_decoder", {
      latent_sample: { data: unscaled, dims: [1, latentChannels, h, w] },
    });
    const sample = out.sample;
    if (sample.data.length !== 3 * width * height) {
      throw new Error(`the VAE decoder gave shape [${sample.dims}], expected [1,3,${height},${width}]`);
    }
    return sample.data;
  }

  async transformer(input: TransformerInput): Promise<Float32Array> {
    this.ensureOpen();
    const L = input.seqLen;
    const { textDim, pooledDim, hasGuidance } = this.info;
    const seqTokens = this.parts.t5.maxTokens;
    if (input.hiddenStates.length !== L * 64) {
      throw new Error(
        `transformer: hiddenStates has ${input.hiddenStates.length} values, expected ${L} x 64`,
      );
    }
    if (input.imgIds.length !== L * 3)
      throw new Error(`transformer: imgIds has ${input.imgIds.length} values, expected ${L} x 3`);
    if (input.text.sequence.length !== seqTokens * textDim || input.text.pooled.length !== pooledDim) {
      throw new Error("transformer: the text embedding does not come from this model");
    }
    const { img, txt } = this.parts.idsRank;
    const feeds: Record<string, WireTensor> = {
      hidden_states: { data: input.hiddenStates, dims: [1, L, 64] },
      encoder_hidden_states: { data: input.text.sequence, dims: [1, seqTokens, textDim] },
      pooled_projections: { data: input.text.pooled, dims: [1, pooledDim] },
      timestep: { data: Float32Array.of(input.sigma), dims: [1] },
      img_ids: { data: this.imgIdsFor(input.imgIds), dims: img === 3 ? [1, L, 3] : [L, 3] },
      txt_ids: { data: this.txtIds, dims: txt === 3 ? [1, seqTokens, 3] : [seqTokens, 3] },
    };
    if (hasGuidance) feeds.guidance = { data: Float32Array.of(input.guidance), dims: [1] };
    const out = await this.parts.host.run("transformer", feeds);
    const v = out.out_hidden_states;
    if (v.data.length !== L * 64)
      throw new Error(`the transformer gave shape [${v.dims}], expected [1,${L},64]`);
    return v.data;
  }

  private imgIdsFor(ids: Float32Array): IdsArray {
    let converted = this.imgIdsAs.get(ids);
    if (!converted) {
      converted = idsIn(ids, this.parts.idsType?.img);
      this.imgIdsAs.set(ids, converted);
    }
    return converted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.parts.host.close();
  }
}

function checkSize(width: number, height: number): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width <= 0 ||
    height <= 0 ||
    width % 8 ||
    height % 8
  ) {
    throw new Error(`image size ${width}x${height}: width and height must be positive multiples of 8`);
  }
}
