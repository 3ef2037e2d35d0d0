/**
 * What each ONNX file of a Flux export must take and give: names, ranks and element types, as Optimum's
 * FLUX.1 export writes them. One table serves the loader and `models:check`.
 */

export type ComponentName = "transformer" | "vae_encoder" | "vae_decoder" | "text_encoder" | "text_encoder_2";

/** "number": ids and timesteps, which exports declare as int64 (Optimum's FLUX export), int32 or float. */
export type TensorKind = "float" | "integer" | "number";

export interface TensorSpec {
  name: string;
  rank: number;
  kind: TensorKind;
  /** Only for inputs: a model may lack it (the transformer's guidance on FLUX.1-schnell). */
  optional?: boolean;
  /** Alternative ranks some exports use (img_ids/txt_ids were [B,N,3] before diffusers 0.31). */
  otherRanks?: number[];
  /** Fixed sizes by axis, e.g. 64 latent channels per packed token. */
  fixed?: Record<number, number>;
}

export interface ComponentSpec {
  name: ComponentName;
  what: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export const COMPONENTS: ComponentSpec[] = [
  {
    name: "transformer",
    what: "the Flux transformer",
    inputs: [
      { name: "hidden_states", rank: 3, kind: "float", fixed: { 2: 64 } },
      { name: "encoder_hidden_states", rank: 3, kind: "float" },
      { name: "pooled_projections", rank: 2, kind: "float" },
      { name: "timestep", rank: 1, kind: "number" },
      { name: "img_ids", rank: 2, kind: "number", otherRanks: [3] },
      { name: "txt_ids", rank: 2, kind: "number", otherRanks: [3] },
      { name: "guidance", rank: 1, kind: "float", optional: true },
    ],
    outputs: [{ name: "out_hidden_states", rank: 3, kind: "float", fixed: { 2: 64 } }],
  },
  {
    name: "vae_encoder",
    what: "the VAE encoder",
    inputs: [{ name: "sample", rank: 4, kind: "float", fixed: { 1: 3 } }],
    outputs: [{ name: "latent_parameters", rank: 4, kind: "float" }],
  },
  {
    name: "vae_decoder",
    what: "the VAE decoder",
    inputs: [{ name: "latent_sample", rank: 4, kind: "float" }],
    outputs: [{ name: "sample", rank: 4, kind: "float", fixed: { 1: 3 } }],
  },
  {
    name: "text_encoder",
    what: "the CLIP text encoder",
    inputs: [{ name: "input_ids", rank: 2, kind: "integer" }],
    outputs: [
      { name: "last_hidden_state", rank: 3, kind: "float" },
      { name: "pooler_output", rank: 2, kind: "float" },
    ],
  },
  {
    name: "text_encoder_2",
    what: "the T5 text encoder",
    inputs: [{ name: "input_ids", rank: 2, kind: "integer" }],
    outputs: [{ name: "last_hidden_state", rank: 3, kind: "float" }],
  },
];

/** Element types as onnxruntime names them. */
export const FLOAT_TYPES = ["float32", "float16"];
export const INTEGER_TYPES = ["int64", "int32"];

export interface TensorSignature {
  name: string;
  /** onnxruntime's type name: float32, float16, int64, ... */
  type: string;
  /** Sizes by axis: a number when fixed, a name when dynamic. */
  shape: Array<number | string>;
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** Problems of one model's signature, in words; empty when it matches. */
export function signatureProblems(spec: ComponentSpec, sig: ModelSignature, file: string): string[] {
  const problems: string[] = [];
  const check = (side: "input" | "output", want: TensorSpec, have: TensorSignature[]) => {
    const got = have.find((t) => t.name === want.name);
    if (!got) {
      if (!want.optional) {
        const names = have.map((t) => `"${t.name}"`).join(", ") || "none";
        problems.push(
          `${file}: ${spec.what} has no ${side} named "${want.name}" (its ${side}s are ${names}).`,
        );
      }
      return;
    }
    const ranks = [want.rank, ...(want.otherRanks ?? [])];
    if (got.shape.length > 0 && !ranks.includes(got.shape.length)) {
      problems.push(
        `${file}: ${side} "${want.name}" has ${got.shape.length} dimensions, expected ${ranks.join(" or ")}.`,
      );
    }
    const allowed =
      want.kind === "float"
        ? FLOAT_TYPES
        : want.kind === "integer"
          ? INTEGER_TYPES
          : [...INTEGER_TYPES, ...FLOAT_TYPES];
    if (!allowed.includes(got.type)) {
      problems.push(`${file}: ${side} "${want.name}" is ${got.type}, expected ${allowed.join(" or ")}.`);
    }
    for (const [axis, size] of Object.entries(want.fixed ?? {})) {
      const actual = got.shape[Number(axis)];
      if (typeof actual === "number" && actual !== size) {
        problems.push(
          `${file}: ${side} "${want.name}" has size ${actual} on axis ${axis}, expected ${size}.`,
        );
      }
    }
  };
  for (const want of spec.inputs) check("input", want, sig.inputs);
  for (const want of spec.outputs) check("output", want, sig.outputs);
  const known = new Set(spec.inputs.map((t) => t.name));
  for (const extra of sig.inputs) {
    if (!known.has(extra.name)) {
      problems.push(`${file}: ${spec.what} takes an input "${extra.name}" that a Flux export does not have.`);
    }
  }
  return problems;
}
