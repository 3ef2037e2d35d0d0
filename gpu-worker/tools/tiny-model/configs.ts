/** config.json files shaped like a FLUX.1 Optimum export's, with the tiny model's sizes. */

export const TINY_MODEL_VERSION = 1;
export const TINY_MARKER_KEY = "_rf_edit_tiny_model";
export const VAE_SCALING_FACTOR = 0.3611;
export const VAE_SHIFT_FACTOR = 0.1159;

export interface TinyConfigOptions {
  variant: "dev" | "schnell";
  precision: "fp32" | "fp16";
  textDim: number;
  pooledDim: number;
  clipVocabSize: number;
  t5VocabSize: number;
}

export function modelIndex(o: TinyConfigOptions): Record<string, unknown> {
  return {
    _class_name: "FluxPipeline",
    _diffusers_version: "0.32.0",
    _name_or_path: `rf-edit/tiny-flux-${o.variant}`,
    [TINY_MARKER_KEY]: { version: TINY_MODEL_VERSION, variant: o.variant, precision: o.precision },
    scheduler: ["diffusers", "FlowMatchEulerDiscreteScheduler"],
    text_encoder: ["transformers", "CLIPTextModel"],
    text_encoder_2: ["transformers", "T5EncoderModel"],
    tokenizer: ["transformers", "CLIPTokenizer"],
    tokenizer_2: ["transformers", "T5TokenizerFast"],
    transformer: ["diffusers", "FluxTransformer2DModel"],
    vae: ["diffusers", "AutoencoderKL"],
  };
}

export function schedulerConfig(o: TinyConfigOptions): Record<string, unknown> {
  const dev = o.variant === "dev";
  return {
    _class_name: "FlowMatchEulerDiscreteScheduler",
    base_image_seq_len: 256,
    base_shift: 0.5,
    max_image_seq_len: 4096,
    max_shift: 1.15,
    num_train_timesteps: 1000,
    shift: dev ? 3.0 : 1.0,
    use_dynamic_shifting: dev,
  };
}

export function transformerConfig(o: TinyConfigOptions): Record<string, unknown> {
  return {
    _class_name: "FluxTransformer2DModel",
    attention_head_dim: 8,
    axes_dims_rope: [2, 2, 4],
    guidance_embeds: o.variant === "dev",
    in_channels: 64,
    joint_attention_dim: o.textDim,
    num_attention_heads: 1,
    num_layers: 0,
    num_single_layers: 0,
    patch_size: 1,
    pooled_projection_dim: o.pooledDim,
  };
}

export function vaeConfig(): Record<string, unknown> {
  return {
    _class_name: "AutoencoderKL",
    act_fn: "silu",
    block_out_channels: [8, 8, 8, 8],
    down_block_types: [
      "DownEncoderBlock2D",
      "DownEncoderBlock2D",
      "DownEncoderBlock2D",
      "DownEncoderBlock2D",
    ],
    force_upcast: true,
    in_channels: 3,
    latent_channels: 16,
    layers_per_block: 1,
    mid_block_add_attention: false,
    norm_num_groups: 8,
    out_channels: 3,
    sample_size: 1024,
    scaling_factor: VAE_SCALING_FACTOR,
    shift_factor: VAE_SHIFT_FACTOR,
    up_block_types: ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
    use_post_quant_conv: false,
    use_quant_conv: false,
  };
}

export function clipConfig(o: TinyConfigOptions): Record<string, unknown> {
  return {
    architectures: ["CLIPTextModel"],
    bos_token_id: o.clipVocabSize - 2,
    eos_token_id: o.clipVocabSize - 1,
    pad_token_id: 1,
    hidden_act: "quick_gelu",
    hidden_size: o.pooledDim,
    intermediate_size: o.pooledDim * 4,
    max_position_embeddings: 77,
    model_type: "clip_text_model",
    num_attention_heads: 1,
    num_hidden_layers: 1,
    projection_dim: o.pooledDim,
    torch_dtype: o.precision === "fp16" ? "float16" : "float32",
    vocab_size: o.clipVocabSize,
  };
}

export function t5Config(o: TinyConfigOptions): Record<string, unknown> {
  return {
    architectures: ["T5EncoderModel"],
    d_ff: o.textDim * 4,
    d_kv: 8,
    d_model: o.textDim,
    decoder_start_token_id: 0,
    eos_token_id: 1,
    model_type: "t5",
    num_heads: 1,
    num_layers: 1,
    pad_token_id: 0,
    torch_dtype: o.precision === "fp16" ? "float16" : "float32",
    vocab_size: o.t5VocabSize,
  };
}

export function clipTokenizerConfig(): Record<string, unknown> {
  return {
    add_prefix_space: false,
    bos_token: "<|startoftext|>",
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: "<|endoftext|>",
    model_max_length: 77,
    pad_token: "<|endoftext|>",
    tokenizer_class: "CLIPTokenizer",
    unk_token: "<|endoftext|>",
  };
}

export function clipSpecialTokensMap(): Record<string, unknown> {
  return {
    bos_token: "<|startoftext|>",
    eos_token: "<|endoftext|>",
    pad_token: "<|endoftext|>",
    unk_token: "<|endoftext|>",
  };
}

export function t5TokenizerConfig(): Record<string, unknown> {
  return {
    clean_up_tokenization_spaces: true,
    eos_token: "</s>",
    extra_ids: 0,
    legacy: true,
    model_max_length: 512,
    pad_token: "<pad>",
    tokenizer_class: "T5Tokenizer",
    unk_token: "<unk>",
  };
}

export function t5SpecialTokensMap(): Record<string, unknown> {
  return { eos_token: "</s>", pad_token: "<pad>", unk_token: "<unk>" };
}
