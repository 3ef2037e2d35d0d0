import type { Logger } from "../../../src/logger.js";
/**
 * The contract between the Flux model (ONNX sessions, tokenisers: `FluxModel`) and the editing recipe
 * (`editImage`), and between the recipe and the queue worker (params, result, cache, progress).
 */

import type { FlowSchedule } from "../rf/schedule.js";
import type { Solver } from "../rf/types.js";

export type Sampler = "ode" | "sde";

/** How the controlled ODEs are integrated (docs/algorithm.md, "Solvers"). */
export type { Solver };

export interface ModelInfo {
  /** Stable id used in cache keys: folder name plus a hash of its config files. */
  id: string;
  /** What a person reads: "FLUX.1-dev", "tiny demo model". */
  name: string;
  variant: "dev" | "schnell" | "tiny";
  /** True for the generated tiny model: its output is not a real edit and every reply says so. */
  isDemo: boolean;
  /** The transformer has a `guidance` input (FLUX.1-dev); schnell has none. */
  hasGuidance: boolean;
  executionProvider: "cuda" | "cpu";
  /** Width of the T5 sequence features (4096 for Flux) and of CLIP's pooled output (768). */
  textDim: number;
  pooledDim: number;
  /** Longest prompt in T5 tokens (512 for FLUX.1-dev, 256 for schnell; the EOS token included). */
  maxPromptTokens: number;
  /** The folder's sigma schedule (scheduler_config.json); absent means FLUX.1-dev's. */
  schedule?: FlowSchedule;
  /** The provider each part runs on, when they differ by part (TEXT_ENCODER_PROVIDER, VAE_PROVIDER). */
  providers?: Partial<
    Record<"transformer" | "vae_encoder" | "vae_decoder" | "text_encoder" | "text_encoder_2", "cuda" | "cpu">
  >;
  /** Why EXECUTION_PROVIDER=auto runs on the CPU; null or absent when it does not. */
  providerFallback?: string | null;
}

/** Text features of one prompt, computed once and reused across steps. */
export interface PromptEmbedding {
  /** CLIP pooled output, [pooledDim]. */
  pooled: Float32Array;
  /** T5 last hidden state, [512, textDim]. */
  sequence: Float32Array;
}

export interface TransformerInput {
  /** Packed latent [L, 64]. */
  hiddenStates: Float32Array;
  /** Flux sigma in [0, 1]; passed as `timestep` unscaled. */
  sigma: number;
  text: PromptEmbedding;
  /** Ignored when the model has no guidance input. */
  guidance: number;
  /** [L, 3] rows [0, r, c]. */
  imgIds: Float32Array;
  seqLen: number;
}

/** The model's parts, as the recipe needs them. Implementations keep `session.run` off the event loop. */
export interface FluxModel {
  readonly info: ModelInfo;
  /** Throws PromptTooLongError when T5 cannot hold the prompt. */
  encodePrompt(prompt: string): Promise<PromptEmbedding>;
  /** pixels [3, H, W] in [-1, 1] -> latent [16, H/8, W/8], already shifted and scaled. */
  vaeEncode(pixels: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** latent [16, H/8, W/8] (scaled) -> pixels [3, H, W] in about [-1, 1]. */
  vaeDecode(latent: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** The raw velocity dx/dsigma, packed [L, 64]. */
  transformer(input: TransformerInput): Promise<Float32Array>;
  close(): Promise<void>;
}

export type EditPhase =
  | "decode"
  | "tokenize"
  | "textEncode"
  | "vaeEncode"
  | "invert"
  | "edit"
  | "vaeDecode"
  | "encodePng";

export interface EditImageParams {
  /** Image bytes in any format sharp reads. */
  image: Uint8Array;
  prompt: string;
  /** 0 keeps the picture, 1 lets the prompt take over (docs/algorithm.md, "Strength"). */
  strength: number;
  /** Drives the SDE noise. */
  seed: number;
  /** Steps of the edit. */
  steps: number;
  /** Steps of the inversion; default `steps`. Part of the inversion cache key. */
  inversionSteps?: number;
  gamma: number;
  eta: number;
  sampler: Sampler;
  /** Integrator of the inversion, and of the edit under the ODE sampler (the SDE's is Euler-Maruyama). */
  solver: Solver;
  guidance: number;
  /** Seed of the inversion noise y1; part of the inversion cache key. */
  inversionSeed: number;
  /** Working size, about this many megapixels (default 1). */
  targetMegapixels?: number;
}

export interface ProgressUpdate {
  phase: "preparing" | "inverting" | "editing" | "finishing";
  step: number;
  total: number;
}

/** What the inversion cache keeps: everything a re-run needs to skip the inversion pass. */
export interface InversionEntry {
  width: number;
  height: number;
  /** VAE latent of the input, packed [L, 64]. */
  y0: Float32Array;
  /** The inverted latent, packed [L, 64]. */
  inverted: Float32Array;
}

export interface InversionCache {
  get(key: string): Promise<InversionEntry | null>;
  set(key: string, entry: InversionEntry): Promise<void>;
}

export interface EditImageOptions {
  cache?: InversionCache;
  onProgress?: (update: ProgressUpdate) => void;
  /** Checked between steps; an aborted edit rejects with AbortError. */
  signal?: AbortSignal;
  /** Where the edit's warnings go (a cache that failed): the caller's logger, with its job id. */
  logger?: Logger;
}

export interface EditImageResult {
  png: Buffer;
  width: number;
  height: number;
  timingsMs: Partial<Record<EditPhase, number>>;
  totalMs: number;
  transformerCalls: number;
  inversionCached: boolean;
  model: ModelInfo;
}
