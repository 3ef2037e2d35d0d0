import type { ComponentName } from "./model-spec.js";
import type { ExecutionProviderSetting } from "./onnx/worker-protocol.js";

/** Per-part override: "same" follows EXECUTION_PROVIDER, "cpu" keeps that part off the GPU. */
export type PartPlacement = "same" | "cpu";

export interface PlacementSettings {
  executionProvider: ExecutionProviderSetting;
  /** CLIP and T5 (TEXT_ENCODER_PROVIDER). */
  textEncoders?: PartPlacement;
  /** VAE encoder and decoder (VAE_PROVIDER). */
  vae?: PartPlacement;
}

export const PART_GROUPS: Record<ComponentName, "transformer" | "textEncoders" | "vae"> = {
  transformer: "transformer",
  vae_encoder: "vae",
  vae_decoder: "vae",
  text_encoder: "textEncoders",
  text_encoder_2: "textEncoders",
};

/**
 * The provider to ask for each part. T5-XXL is about 9.5 GB in fp16 and runs once per new prompt (its
 * output is cached), so moving it to the CPU frees GPU memory for the transformer at the cost of a few
 * seconds per new prompt.
 */
export function requestedProviders(s: PlacementSettings): Record<ComponentName, ExecutionProviderSetting> {
  const pick = (override: PartPlacement | undefined): ExecutionProviderSetting =>
    override === "cpu" ? "cpu" : s.executionProvider;
  return {
    transformer: s.executionProvider,
    vae_encoder: pick(s.vae),
    vae_decoder: pick(s.vae),
    text_encoder: pick(s.textEncoders),
    text_encoder_2: pick(s.textEncoders),
  };
}

/** "transformer cuda, vae cuda, text encoders cpu": what runs where, in words. */
export function describeProviders(providers: Partial<Record<ComponentName, string>>): string {
  const groups = new Map<string, Set<string>>();
  for (const [part, provider] of Object.entries(providers)) {
    const group = PART_GROUPS[part as ComponentName];
    const name = group === "textEncoders" ? "text encoders" : group;
    if (!groups.has(name)) groups.set(name, new Set());
    groups.get(name)?.add(provider ?? "?");
  }
  return [...groups].map(([name, set]) => `${name} ${[...set].join("/")}`).join(", ");
}
