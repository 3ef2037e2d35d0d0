/**
 * Parameter counts of FLUX.1's parts from their config.json values, layer by layer as diffusers and
 * transformers build them (FluxTransformer2DModel, T5EncoderModel, CLIPTextModel, AutoencoderKL). The
 * README's memory table is computed from these, not guessed; docs/model-export.md shows the sums.
 */

type Config = Record<string, unknown>;

function num(config: Config, key: string, fallback?: number): number {
  const v = config[key];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`config.json lacks ${key}`);
}

const linear = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
const conv = (i: number, o: number, k: number) => i * o * k * k + o;
const groupNorm = (c: number) => 2 * c;

/** FluxTransformer2DModel: 19 double-stream and 38 single-stream blocks for FLUX.1. */
export function fluxTransformerParameters(c: Config): number {
  const heads = num(c, "num_attention_heads");
  const headDim = num(c, "attention_head_dim");
  const d = heads * headDim;
  const inCh = num(c, "in_channels");
  const text = num(c, "joint_attention_dim");
  const pooled = num(c, "pooled_projection_dim");
  const mlp = 4 * d;
  const timeEmbed = linear(256, d) + linear(d, d);
  const embeddings =
    linear(inCh, d) +
    linear(text, d) +
    timeEmbed +
    linear(pooled, d) +
    linear(d, d) +
    (c.guidance_embeds === true ? timeEmbed : 0);
  // Two AdaLayerNormZero (6d each), q/k/v/out for image and text, four RMSNorms, two feed-forwards.
  const double =
    2 * linear(d, 6 * d) + 8 * linear(d, d) + 4 * headDim + 2 * (linear(d, mlp) + linear(mlp, d));
  // AdaLayerNormZeroSingle (3d), the MLP input, q/k/v, two RMSNorms, and one output over [attn, mlp].
  const single = linear(d, 3 * d) + linear(d, mlp) + 3 * linear(d, d) + 2 * headDim + linear(d + mlp, d);
  const out = linear(d, 2 * d) + linear(d, inCh);
  return embeddings + num(c, "num_layers") * double + num(c, "num_single_layers") * single + out;
}

/** T5EncoderModel (v1.1, gated GELU, no biases, relative position buckets in the first layer). */
export function t5EncoderParameters(c: Config): number {
  const d = num(c, "d_model");
  const inner = num(c, "num_heads") * num(c, "d_kv");
  const ff = num(c, "d_ff");
  const gated = String(c.feed_forward_proj ?? "gated-gelu").startsWith("gated");
  const layer = 4 * d * inner + 2 * d + (gated ? 3 : 2) * d * ff;
  return (
    num(c, "vocab_size") * d +
    num(c, "num_layers") * layer +
    num(c, "relative_attention_num_buckets", 32) * num(c, "num_heads") +
    d
  );
}

/** CLIPTextModel. */
export function clipTextParameters(c: Config): number {
  const d = num(c, "hidden_size");
  const ff = num(c, "intermediate_size");
  const layer = 4 * linear(d, d) + 2 * 2 * d + linear(d, ff) + linear(ff, d);
  return (
    num(c, "vocab_size") * d +
    num(c, "max_position_embeddings") * d +
    num(c, "num_hidden_layers") * layer +
    2 * d
  );
}

function resnet(i: number, o: number): number {
  return groupNorm(i) + conv(i, o, 3) + groupNorm(o) + conv(o, o, 3) + (i !== o ? conv(i, o, 1) : 0);
}

function midBlock(c: number): number {
  // Two resnets around one single-head attention over the pixels (group norm, q, k, v, out).
  return 2 * resnet(c, c) + groupNorm(c) + 4 * linear(c, c);
}

/** AutoencoderKL's encoder and decoder, separately (FLUX.1 has no quant convs). */
export function vaeParameters(c: Config): { encoder: number; decoder: number } {
  const channels = c.block_out_channels as number[];
  const layers = num(c, "layers_per_block");
  const latent = num(c, "latent_channels");
  const top = channels[channels.length - 1];
  let encoder = conv(num(c, "in_channels"), channels[0], 3);
  let prev = channels[0];
  channels.forEach((ch, i) => {
    for (let l = 0; l < layers; l++) {
      encoder += resnet(prev, ch);
      prev = ch;
    }
    if (i < channels.length - 1) encoder += conv(ch, ch, 3);
  });
  encoder += midBlock(top) + groupNorm(top) + conv(top, 2 * latent, 3);
  if (c.use_quant_conv !== false) encoder += conv(2 * latent, 2 * latent, 1);

  let decoder = conv(latent, top, 3) + midBlock(top);
  const reversed = [...channels].reverse();
  prev = top;
  reversed.forEach((ch, i) => {
    for (let l = 0; l < layers + 1; l++) {
      decoder += resnet(prev, ch);
      prev = ch;
    }
    if (i < reversed.length - 1) decoder += conv(ch, ch, 3);
  });
  decoder += groupNorm(channels[0]) + conv(channels[0], num(c, "out_channels"), 3);
  if (c.use_post_quant_conv !== false) decoder += conv(latent, latent, 1);
  return { encoder, decoder };
}

/** The config.json values of black-forest-labs/FLUX.1-dev's parts (schnell: guidance_embeds false). */
export const FLUX1_CONFIGS = {
  transformer: {
    attention_head_dim: 128,
    guidance_embeds: true,
    in_channels: 64,
    joint_attention_dim: 4096,
    num_attention_heads: 24,
    num_layers: 19,
    num_single_layers: 38,
    pooled_projection_dim: 768,
  },
  text_encoder_2: {
    d_ff: 10240,
    d_kv: 64,
    d_model: 4096,
    feed_forward_proj: "gated-gelu",
    num_heads: 64,
    num_layers: 24,
    relative_attention_num_buckets: 32,
    vocab_size: 32128,
  },
  text_encoder: {
    hidden_size: 768,
    intermediate_size: 3072,
    max_position_embeddings: 77,
    num_hidden_layers: 12,
    vocab_size: 49408,
  },
  vae: {
    block_out_channels: [128, 256, 512, 512],
    in_channels: 3,
    latent_channels: 16,
    layers_per_block: 2,
    out_channels: 3,
    use_post_quant_conv: false,
    use_quant_conv: false,
  },
} as const;
