import { Counter, Gauge, type Registry } from "prom-client";
import type { ModelInfo } from "../../gpu-worker/src/flux/types.js";

/** Hit and miss counts the worker keeps in memory (RedisPromptCache). */
export interface PromptCacheCounters {
  hits: number;
  misses: number;
}

/** What /readyz says about the model: where each part runs, and why `auto` fell back, if it did. */
export function executionProviderDetail(info: ModelInfo): Record<string, unknown> {
  return {
    model: info.name,
    transformer: info.executionProvider,
    parts: info.providers ?? { transformer: info.executionProvider },
    fallback: info.providerFallback ?? null,
  };
}

/**
 * The model's own metrics, on the ops registry: a gauge of the execution provider each part runs on
 * (1 for the one in use), whether `auto` fell back to the CPU, and the prompt-embedding cache's hits
 * and misses.
 */
export function registerModelMetrics(
  registry: Registry,
  info: ModelInfo,
  promptCache?: PromptCacheCounters,
): void {
  const provider = new Gauge({
    name: "rf_edit_execution_provider",
    help: "Execution provider each model part runs on (1 = in use), by part and provider.",
    labelNames: ["part", "provider"],
    registers: [registry],
  });
  for (const [part, p] of Object.entries(info.providers ?? { transformer: info.executionProvider })) {
    provider.set({ part, provider: p ?? "unknown" }, 1);
  }
  const fallback = new Gauge({
    name: "rf_edit_execution_provider_fallback",
    help: "1 when EXECUTION_PROVIDER=auto could not use CUDA and runs on the CPU.",
    registers: [registry],
  });
  fallback.set(info.providerFallback ? 1 : 0);

  let seen = { hits: 0, misses: 0 };
  const lookups: Counter = new Counter({
    name: "rf_edit_prompt_cache_lookups_total",
    help: "Prompt-embedding cache lookups in Redis by result (hit: no text encoder ran).",
    labelNames: ["result"],
    registers: [registry],
    collect: () => {
      if (!promptCache) return;
      const { hits, misses } = promptCache;
      if (hits > seen.hits) lookups.inc({ result: "hit" }, hits - seen.hits);
      if (misses > seen.misses) lookups.inc({ result: "miss" }, misses - seen.misses);
      seen = { hits, misses };
    },
  });
  lookups.inc({ result: "hit" }, 0);
  lookups.inc({ result: "miss" }, 0);
}
