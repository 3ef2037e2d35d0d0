import { GraphBuilder, type Precision } from "./graph-builder.js";
import { SeededRandom } from "./seeded-random.js";

export interface TransformerDims {
  /** T5 feature width (joint_attention_dim). */
  textDim: number;
  /** CLIP pooled width (pooled_projection_dim). */
  pooledDim: number;
  hasGuidance: boolean;
}

/** Variance of the tiny model's "data" around its text-dependent mean, in latent units. */
const DATA_VARIANCE = 0.5;

/**
 * The tiny transformer: the exact velocity of a Gaussian data distribution whose mean c depends on the
 * text, the guidance and the token position. For x_sigma = (1 - sigma) x0 + sigma eps with
 * x0 ~ N(c, s2) and eps ~ N(0, 1), E[eps - x0 | x] = a(sigma) (x - (1 - sigma) c) - c with
 * a = (sigma - (1 - sigma) s2) / ((1 - sigma)^2 s2 + sigma^2). So inverting and re-generating with another
 * prompt really moves the image toward another pattern, and every input changes the output.
 */
export function buildTransformerGraph(
  dims: TransformerDims,
  precision: Precision,
  seed: number,
): GraphBuilder {
  const rnd = new SeededRandom(seed);
  const g = new GraphBuilder("tiny_flux_transformer", precision);
  const D = dims.textDim;

  const hs = g.input("hidden_states", "float", ["batch_size", "packed_height_width", 64]);
  const ehs = g.input("encoder_hidden_states", "float", ["batch_size", "sequence_length", D]);
  const pooled = g.input("pooled_projections", "float", ["batch_size", dims.pooledDim]);
  const timestep = g.input("timestep", "float", ["step"]);
  const imgIds = g.input("img_ids", "float", ["packed_height_width", 3]);
  const txtIds = g.input("txt_ids", "float", ["sequence_length", 3]);
  const guidance = dims.hasGuidance ? g.input("guidance", "float", ["batch_size"]) : null;

  const axes1 = g.constInt64("axes_1", [1], [1]);
  const axes12 = g.constInt64("axes_1_2", [2], [1, 2]);

  // Text: the T5 sequence shifted by its position ids, averaged over the sequence.
  const txtPos = g.node("MatMul", [txtIds, g.weight("txt_ids_proj", [3, D], rnd.normals(3 * D, 0.5))]);
  const seq = g.node("Add", [ehs, txtPos]);
  const textVec = g.node("ReduceMean", [seq], { axes: [1], keepdims: 1 }); // [B,1,D]
  const pooledVec = g.node("Unsqueeze", [
    g.node("MatMul", [
      pooled,
      g.weight("pooled_proj", [dims.pooledDim, D], rnd.normals(dims.pooledDim * D, 0.6)),
    ]),
    axes1,
  ]); // [B,1,D]
  let cond = g.node("Add", [g.node("Mul", [textVec, g.constFloat("text_gain", [1], [1.5])]), pooledVec]);
  if (guidance !== null) {
    const gVec = g.node("Mul", [
      g.node("Unsqueeze", [guidance, axes12]),
      g.weight("guidance_proj", [1, 1, D], rnd.normals(D, 0.25)),
    ]);
    cond = g.node("Add", [cond, gVec]);
  }

  // Position: smooth waves over the latent grid, so the text's pattern is visible in the picture.
  const freqs = rnd.uniforms(3 * D, -0.35, 0.35);
  const pos = g.node("Sin", [g.node("MatMul", [imgIds, g.weight("img_ids_proj", [3, D], freqs)])]); // [L,D]
  const hidden = g.node("Tanh", [g.node("Add", [cond, pos])]); // [B,L,D]
  const c = g.node("MatMul", [
    hidden,
    g.weight("proj_out", [D, 64], rnd.normals(D * 64, 1.4 / Math.sqrt(D))),
  ]);

  // Velocity of the Gaussian flow.
  const sigma = g.node("Unsqueeze", [timestep, axes12]); // [B,1,1]
  const one = g.constFloat("one", [1], [1]);
  const s2 = g.constFloat("data_variance", [1], [DATA_VARIANCE]);
  const oms = g.node("Sub", [one, sigma]);
  const variance = g.node("Add", [
    g.node("Mul", [g.node("Mul", [oms, oms]), s2]),
    g.node("Mul", [sigma, sigma]),
  ]);
  const a = g.node("Div", [g.node("Sub", [sigma, g.node("Mul", [oms, s2])]), variance]);
  const centred = g.node("Sub", [hs, g.node("Mul", [oms, c])]);
  const velocity = g.node("Sub", [g.node("Mul", [a, centred]), c]);
  g.output("out_hidden_states", velocity, ["batch_size", "packed_height_width", 64]);
  return g;
}
