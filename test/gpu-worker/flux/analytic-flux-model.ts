import type {
  FluxModel,
  ModelInfo,
  PromptEmbedding,
  TransformerInput,
} from "../../../gpu-worker/src/flux/types.js";

/**
 * A FluxModel in closed form, for testing the recipe without ONNX:
 * - VAE: 8x8 average pooling; latent channel c is the pooled RGB channel c % 3. Decoding repeats
 *   channels 0..2 over each 8x8 block, so encode -> decode keeps block means.
 * - Prompt: a number m in [-0.5, 0.5) hashed from the text, stored in pooled[0].
 * - Transformer: the exact velocity E[eps - x0 | x_sigma] of data x0 ~ N(m', c^2) per element, with
 *   m' = m * (1 + guidance / 10) so guidance matters too.
 */
export class AnalyticFluxModel implements FluxModel {
  readonly info: ModelInfo = {
    id: "analytic-test-flow",
    name: "analytic test flow",
    variant: "tiny",
    isDemo: true,
    hasGuidance: true,
    executionProvider: "cpu",
    textDim: 4,
    pooledDim: 2,
    maxPromptTokens: 64,
  };
  readonly calls = { encodePrompt: 0, vaeEncode: 0, vaeDecode: 0, transformer: 0 };
  private readonly c2 = 0.25;

  async encodePrompt(prompt: string): Promise<PromptEmbedding> {
    this.calls.encodePrompt++;
    let h = 2166136261;
    for (const ch of prompt) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0;
    const pooled = new Float32Array(this.info.pooledDim);
    pooled[0] = prompt === "" ? 0 : (h % 1000) / 1000 - 0.5;
    return { pooled, sequence: new Float32Array(512 * this.info.textDim) };
  }

  async vaeEncode(pixels: Float32Array, width: number, height: number): Promise<Float32Array> {
    this.calls.vaeEncode++;
    const h = height / 8;
    const w = width / 8;
    const out = new Float32Array(16 * h * w);
    for (let c = 0; c < 16; c++) {
      const src = (c % 3) * width * height;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let sum = 0;
          for (let dy = 0; dy < 8; dy++) {
            for (let dx = 0; dx < 8; dx++) sum += pixels[src + (y * 8 + dy) * width + x * 8 + dx];
          }
          out[c * h * w + y * w + x] = sum / 64;
        }
      }
    }
    return out;
  }

  async vaeDecode(latent: Float32Array, width: number, height: number): Promise<Float32Array> {
    this.calls.vaeDecode++;
    const h = height / 8;
    const w = width / 8;
    const out = new Float32Array(3 * width * height);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          out[c * width * height + y * width + x] = latent[c * h * w + (y >> 3) * w + (x >> 3)];
        }
      }
    }
    return out;
  }

  async transformer(input: TransformerInput): Promise<Float32Array> {
    this.calls.transformer++;
    const s = input.sigma;
    const m = input.text.pooled[0] * (1 + input.guidance / 10);
    const d = (1 - s) * (1 - s) * this.c2 + s * s;
    const a = (s - (1 - s) * this.c2) / d;
    const x = input.hiddenStates;
    const v = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) v[i] = a * (x[i] - (1 - s) * m) - m;
    return v;
  }

  async close(): Promise<void> {}
}
