/**
 * Every ONNX part of a FLUX.1 folder as the real export writes it: input and output names, element
 * types, and each axis (a named dynamic axis, a fixed size, or a size read from the part's config.json).
 *
 * Sources (docs/model-export.md): Optimum's ONNX configs for FLUX (FluxTransformerOnnxConfig,
 * VaeEncoder/VaeDecoderOnnxConfig, CLIPTextOnnxConfig, T5EncoderOnnxConfig) give the names and dynamic
 * axes; its dummy input generators give the types (img_ids/txt_ids are integer tensors of the
 * exporter's int dtype, int64; timestep and guidance are floats). ONNX Runtime's optimize_pipeline.py
 * with --float16 (and --bfloat16) converts with keep_io_types=False, so an optimised folder's float
 * inputs and outputs are float16 while ids stay int64.
 *
 * The loader accepts more than this (older int32 CLIP ids, float ids, [B,N,3] ids): model-spec.ts. This
 * table is the one thing both the tiny-model generator and its test are held to.
 */

export type ExportPart = "transformer" | "vae_encoder" | "vae_decoder" | "text_encoder" | "text_encoder_2";

/** Element type: "float" is the folder's float type (float32 in fp32, float16 after --float16). */
export type ExportElement = "float" | "int64";

export type ExportAxis =
  | { dynamic: string }
  | { fixed: number }
  /** From the part's config.json, times `times` (e.g. 2 x latent_channels: mean and log-variance). */
  | { config: string; times?: number };

export interface ExportTensor {
  name: string;
  element: ExportElement;
  axes: ExportAxis[];
  /** Present only in some variants: the transformer's guidance exists when guidance_embeds is true. */
  onlyWhen?: "guidance_embeds";
}

export interface ExportPartSignature {
  part: ExportPart;
  inputs: ExportTensor[];
  outputs: ExportTensor[];
}

const d = (dynamic: string): ExportAxis => ({ dynamic });
const n = (fixed: number): ExportAxis => ({ fixed });
const c = (config: string, times?: number): ExportAxis => (times ? { config, times } : { config });

/** Diffusers 0.31 and later: 2-D ids without a batch axis (what the current exporter writes). */
export const FLUX_EXPORT_SIGNATURE: ExportPartSignature[] = [
  {
    part: "transformer",
    inputs: [
      {
        name: "hidden_states",
        element: "float",
        axes: [d("batch_size"), d("packed_height_width"), c("in_channels")],
      },
      {
        name: "encoder_hidden_states",
        element: "float",
        axes: [d("batch_size"), d("sequence_length"), c("joint_attention_dim")],
      },
      { name: "pooled_projections", element: "float", axes: [d("batch_size"), c("pooled_projection_dim")] },
      { name: "timestep", element: "float", axes: [d("step")] },
      { name: "img_ids", element: "int64", axes: [d("packed_height_width"), n(3)] },
      { name: "txt_ids", element: "int64", axes: [d("sequence_length"), n(3)] },
      { name: "guidance", element: "float", axes: [d("batch_size")], onlyWhen: "guidance_embeds" },
    ],
    outputs: [
      {
        name: "out_hidden_states",
        element: "float",
        axes: [d("batch_size"), d("packed_height_width"), c("in_channels")],
      },
    ],
  },
  {
    part: "vae_encoder",
    inputs: [
      {
        name: "sample",
        element: "float",
        axes: [d("batch_size"), c("in_channels"), d("sample_height"), d("sample_width")],
      },
    ],
    outputs: [
      {
        name: "latent_parameters",
        element: "float",
        // 2^(len(down_block_types) - 1) = 8 for FLUX's four down blocks.
        axes: [d("batch_size"), c("latent_channels", 2), d("sample_height / 8"), d("sample_width / 8")],
      },
    ],
  },
  {
    part: "vae_decoder",
    inputs: [
      {
        name: "latent_sample",
        element: "float",
        axes: [d("batch_size"), c("latent_channels"), d("latent_height"), d("latent_width")],
      },
    ],
    outputs: [
      {
        name: "sample",
        element: "float",
        axes: [d("batch_size"), c("out_channels"), d("latent_height * 8"), d("latent_width * 8")],
      },
    ],
  },
  {
    part: "text_encoder",
    inputs: [{ name: "input_ids", element: "int64", axes: [d("batch_size"), d("sequence_length")] }],
    outputs: [
      {
        name: "last_hidden_state",
        element: "float",
        axes: [d("batch_size"), d("sequence_length"), c("hidden_size")],
      },
      { name: "pooler_output", element: "float", axes: [d("batch_size"), c("hidden_size")] },
    ],
  },
  {
    part: "text_encoder_2",
    inputs: [{ name: "input_ids", element: "int64", axes: [d("batch_size"), d("sequence_length")] }],
    outputs: [
      {
        name: "last_hidden_state",
        element: "float",
        axes: [d("batch_size"), d("sequence_length"), c("d_model")],
      },
    ],
  },
];

/** What one tensor of an ONNX file looks like, as read from the file (onnx-signature.ts). */
export interface DeclaredTensor {
  name: string;
  type: string;
  shape: Array<number | string>;
}

/**
 * Differences between a part's ONNX declaration and the real export's, in words; empty when they
 * match. `floatType` is the folder's float type; `config` the part's config.json.
 */
export function exportSignatureDifferences(
  sig: ExportPartSignature,
  declared: { inputs: DeclaredTensor[]; outputs: DeclaredTensor[] },
  config: Record<string, unknown>,
  floatType: "float32" | "float16",
): string[] {
  const out: string[] = [];
  const compare = (side: "input" | "output", want: ExportTensor[], have: DeclaredTensor[]) => {
    const expected = want.filter((t) => !t.onlyWhen || config[t.onlyWhen] === true);
    const names = expected.map((t) => t.name);
    const haveNames = have.map((t) => t.name);
    if (JSON.stringify(names) !== JSON.stringify(haveNames)) {
      out.push(`${sig.part}: ${side}s are [${haveNames.join(", ")}], the export has [${names.join(", ")}]`);
    }
    for (const t of expected) {
      const got = have.find((h) => h.name === t.name);
      if (!got) continue;
      const type = t.element === "float" ? floatType : "int64";
      if (got.type !== type)
        out.push(`${sig.part}: ${side} ${t.name} is ${got.type}, the export has ${type}`);
      const axes = t.axes.map((a) => {
        if ("dynamic" in a) return a.dynamic;
        if ("fixed" in a) return a.fixed;
        const v = config[a.config];
        return typeof v === "number" ? v * (a.times ?? 1) : `config.${a.config}?`;
      });
      if (JSON.stringify(axes) !== JSON.stringify(got.shape)) {
        out.push(
          `${sig.part}: ${side} ${t.name} has axes [${got.shape.join(", ")}], the export has [${axes.join(", ")}]`,
        );
      }
    }
  };
  compare("input", sig.inputs, declared.inputs);
  compare("output", sig.outputs, declared.outputs);
  return out;
}
