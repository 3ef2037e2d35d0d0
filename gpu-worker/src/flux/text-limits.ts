import { readFile } from "node:fs/promises";
import type { ModelSignature } from "./model-spec.js";

/**
 * T5 tokens each FLUX.1 variant reads, end-of-text included: diffusers' FluxPipeline takes at most 512
 * (max_sequence_length, dev's default) and FLUX.1-schnell is run with 256, as its model card and the
 * diffusers docs do.
 */
export const T5_TOKENS_BY_VARIANT = { dev: 512, schnell: 256 } as const;

export interface T5Limit {
  maxTokens: number;
  /** Why, in words. */
  source: string;
}

/**
 * The T5 length for a folder: the variant's, lowered where the folder says less (tokenizer_2's
 * model_max_length, or a T5 graph exported with a fixed sequence length).
 */
export async function t5Limit(
  variant: "dev" | "schnell",
  tokenizerConfigFiles: string[],
  t5: ModelSignature | undefined,
): Promise<T5Limit> {
  let maxTokens: number = T5_TOKENS_BY_VARIANT[variant];
  let source = `FLUX.1-${variant}'s T5 length`;
  for (const file of tokenizerConfigFiles) {
    try {
      const config = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      const m = config.model_max_length;
      // transformers writes a huge sentinel (1e30) when a tokenizer has no limit of its own.
      if (typeof m === "number" && Number.isInteger(m) && m > 0 && m < maxTokens) {
        maxTokens = m;
        source = `model_max_length in ${file}`;
      }
    } catch {
      // Optional: tokenizer.json alone describes the tokenizer.
    }
  }
  const fixed = t5?.inputs.find((i) => i.name === "input_ids")?.shape[1];
  if (typeof fixed === "number" && fixed > 0 && fixed < maxTokens) {
    maxTokens = fixed;
    source = "the T5 model's fixed sequence length";
  }
  return { maxTokens, source };
}
