import type {
  FluxModel,
  ModelInfo,
  PromptEmbedding,
  TransformerInput,
} from "../gpu-worker/src/flux/types.js";

/**
 * A FluxModel whose every call costs (almost) nothing: buffers are made once and returned again, so a
 * run measures only the pipeline around the model. The decoder returns a textured image rather than a
 * flat one, so the PNG encoder does realistic work.
 */
export class ZeroCostFluxModel implements FluxModel {
  readonly info: ModelInfo = {
    id: "zero-cost",
    name: "zero-cost model",
    variant: "tiny",
    isDemo: true,
    hasGuidance: true,
    executionProvider: "cpu",
    textDim: 4096,
    pooledDim: 768,
    maxPromptTokens: 512,
  };
  private readonly text: PromptEmbedding = {
    pooled: new Float32Array(768),
    sequence: new Float32Array(512 * 4096),
  };
  private velocity = new Float32Array(0);
  private latent = new Float32Array(0);
  private pixels = new Float32Array(0);

  constructor(width: number, height: number) {
    this.latent = new Float32Array(16 * (height / 8) * (width / 8));
    this.velocity = new Float32Array((height / 16) * (width / 16) * 64);
    this.pixels = new Float32Array(3 * width * height);
    let s = 12345;
    for (let i = 0; i < this.pixels.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      this.pixels[i] = Math.sin(i / 997) * 0.6 + (s / 2 ** 32 - 0.5) * 0.3;
    }
  }

  async encodePrompt(): Promise<PromptEmbedding> {
    return this.text;
  }
  async vaeEncode(): Promise<Float32Array> {
    return this.latent;
  }
  async vaeDecode(): Promise<Float32Array> {
    return this.pixels;
  }
  async transformer(_input: TransformerInput): Promise<Float32Array> {
    return this.velocity;
  }
  async close(): Promise<void> {}
}
