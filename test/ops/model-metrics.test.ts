import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import type { ModelInfo } from "../../gpu-worker/src/flux/types.js";
import { executionProviderDetail, registerModelMetrics } from "../../src/ops/model-metrics.js";

const info: ModelInfo = {
  id: "flux-dev-abc",
  name: "FLUX.1-dev",
  variant: "dev",
  isDemo: false,
  hasGuidance: true,
  executionProvider: "cpu",
  textDim: 4096,
  pooledDim: 768,
  maxPromptTokens: 512,
  providers: {
    transformer: "cpu",
    vae_encoder: "cpu",
    vae_decoder: "cpu",
    text_encoder: "cpu",
    text_encoder_2: "cpu",
  },
  providerFallback: "the CUDA provider of onnxruntime-node 1.30.0 is not installed",
};

describe("model metrics and /readyz details", () => {
  it("an auto fallback to the CPU shows in the gauge and in /readyz, with the reason", async () => {
    const registry = new Registry();
    const cache = { hits: 0, misses: 0 };
    registerModelMetrics(registry, info, cache);
    cache.hits = 3;
    cache.misses = 1;
    const text = await registry.metrics();
    assert.match(text, /rf_edit_execution_provider_fallback 1/);
    assert.match(text, /rf_edit_execution_provider\{part="transformer",provider="cpu"\} 1/);
    assert.match(text, /rf_edit_prompt_cache_lookups_total\{result="hit"\} 3/);
    assert.match(text, /rf_edit_prompt_cache_lookups_total\{result="miss"\} 1/);
    cache.hits = 5;
    assert.match(
      await registry.metrics(),
      /rf_edit_prompt_cache_lookups_total\{result="hit"\} 5/,
      "counts only grow by what is new",
    );
    assert.deepEqual(executionProviderDetail(info), {
      model: "FLUX.1-dev",
      transformer: "cpu",
      parts: info.providers,
      fallback: info.providerFallback,
    });
  });

  it("a model on CUDA shows no fallback", async () => {
    const registry = new Registry();
    registerModelMetrics(registry, {
      ...info,
      executionProvider: "cuda",
      providers: { transformer: "cuda" },
      providerFallback: null,
    });
    const text = await registry.metrics();
    assert.match(text, /rf_edit_execution_provider_fallback 0/);
    assert.match(text, /rf_edit_execution_provider\{part="transformer",provider="cuda"\} 1/);
  });
});
