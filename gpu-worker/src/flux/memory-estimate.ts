import {
  clipTextParameters,
  FLUX1_CONFIGS,
  fluxTransformerParameters,
  t5EncoderParameters,
  vaeParameters,
} from "./parameter-count.js";

export type Precision = "fp32" | "fp16" | "bf16";
export type Part = "transformer" | "text_encoder_2" | "text_encoder" | "vae";

export const GIB = 1024 ** 3;

/**
 * The T5 MatMuls ONNX Runtime's Flux optimizer keeps out of fp16 (optimize_pipeline.py's node block
 * list: the feed-forward output of blocks 10 and 23, each d_ff x d_model): fp32 with --float16, bf16
 * with --float16 --bfloat16.
 */
const T5_BLOCKED_MATMULS = 2;

/** Weights of one FLUX.1 part in bytes, at a precision of `npm run models:export`. */
export function weightBytes(part: Part, precision: Precision, variant: "dev" | "schnell" = "dev"): number {
  const c = FLUX1_CONFIGS;
  const params =
    part === "transformer"
      ? fluxTransformerParameters({ ...c.transformer, guidance_embeds: variant === "dev" })
      : part === "text_encoder_2"
        ? t5EncoderParameters(c.text_encoder_2)
        : part === "text_encoder"
          ? clipTextParameters(c.text_encoder)
          : vaeParameters(c.vae).encoder + vaeParameters(c.vae).decoder;
  if (precision === "fp32") return params * 4;
  let bytes = params * 2;
  if (part === "text_encoder_2" && precision === "fp16") {
    bytes += T5_BLOCKED_MATMULS * c.text_encoder_2.d_ff * c.text_encoder_2.d_model * 2;
  }
  return bytes;
}

export interface ActivationEstimate {
  /** The transformer's largest live tensors during one call. */
  transformer: number;
  /** The VAE decoder at full resolution, with its mid-block attention (kept in fp32 by the optimizer). */
  vaeDecode: number;
}

/**
 * Peak activations at a working size, an estimate (the weights are exact): the transformer holds a
 * few tokens x 4d MLP tensors at once, plus heads x tokens^2 x 4 bytes per attention matrix when the
 * folder has no fused attention; the VAE decoder holds about three 128-channel full-size maps and one
 * (pixels/64)^2 attention matrix in its mid block.
 */
export function activationBytes(
  megapixels: number,
  precision: Precision,
  t5Tokens: number,
  fusedAttention: boolean,
): ActivationEstimate {
  const bytes = precision === "fp32" ? 4 : 2;
  const d = FLUX1_CONFIGS.transformer.num_attention_heads * FLUX1_CONFIGS.transformer.attention_head_dim;
  const pixels = megapixels * 1e6;
  const tokens = Math.ceil(pixels / 256) + t5Tokens;
  const attention = fusedAttention ? 0 : FLUX1_CONFIGS.transformer.num_attention_heads * tokens * tokens * 4;
  const latentTokens = pixels / 64;
  return {
    transformer: 4 * tokens * 4 * d * bytes + attention,
    vaeDecode: 3 * 128 * pixels * bytes + latentTokens * latentTokens * 4,
  };
}

/** CUDA context, cuDNN/cuBLAS workspaces and ONNX Runtime's arena slack: a round allowance. */
export const CUDA_OVERHEAD_BYTES = 1 * GIB;

export interface Placement {
  textEncodersOnGpu: boolean;
  vaeOnGpu: boolean;
}

/** GPU memory for FLUX.1 at a precision and placement: weights on the GPU plus the larger peak. */
export function gpuBytes(
  precision: Precision,
  placement: Placement,
  megapixels = 1,
  variant: "dev" | "schnell" = "dev",
): number {
  const t5Tokens = variant === "dev" ? 512 : 256;
  let weights = weightBytes("transformer", precision, variant);
  if (placement.textEncodersOnGpu)
    weights += weightBytes("text_encoder_2", precision) + weightBytes("text_encoder", precision);
  if (placement.vaeOnGpu) weights += weightBytes("vae", precision);
  const act = activationBytes(megapixels, precision, t5Tokens, true);
  const peak = Math.max(act.transformer, placement.vaeOnGpu ? act.vaeDecode : 0);
  return weights + peak + CUDA_OVERHEAD_BYTES;
}

const MIB = 1024 ** 2;

/** Cards by the memory nvidia-smi reports for them (a "24 GB" card is not always 24 GiB). */
export const CARDS: Array<{ name: string; bytes: number }> = [
  { name: "L4 / A10G, 24 GB", bytes: 23034 * MIB },
  { name: "RTX 4090, 24 GB", bytes: 24564 * MIB },
  { name: "L40S / RTX 6000 Ada, 48 GB", bytes: 46068 * MIB },
  { name: "A100 / H100, 80 GB", bytes: 81559 * MIB },
];
