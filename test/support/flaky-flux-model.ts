import type { FluxModel, PromptEmbedding, TransformerInput } from "../../gpu-worker/src/flux/types.js";

/**
 * A real model whose transformer fails on demand, like a GPU hiccup: the next `failures` calls
 * throw, then it works again.
 */
export class FlakyFluxModel implements FluxModel {
  failures = 0;
  calls = 0;

  constructor(private readonly inner: FluxModel) {}

  get info() {
    return this.inner.info;
  }

  encodePrompt(prompt: string): Promise<PromptEmbedding> {
    return this.inner.encodePrompt(prompt);
  }
  vaeEncode(pixels: Float32Array, width: number, height: number): Promise<Float32Array> {
    return this.inner.vaeEncode(pixels, width, height);
  }
  vaeDecode(latent: Float32Array, width: number, height: number): Promise<Float32Array> {
    return this.inner.vaeDecode(latent, width, height);
  }
  async transformer(input: TransformerInput): Promise<Float32Array> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error("CUDA error: an illegal memory access was encountered");
    }
    return this.inner.transformer(input);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
