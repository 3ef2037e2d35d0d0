import { channelPrior, MOOD_COUNT, MOOD_WORDS, NEUTRAL } from "./demo-words.js";
import { GraphBuilder, type Precision } from "./graph-builder.js";
import { LATENT_CHANNELS, LATENT_PER_COEFFICIENT } from "./vae-basis.js";

export interface TransformerDims {
  /** T5 feature width (joint_attention_dim); its first MOOD_COUNT features mark the mood words. */
  textDim: number;
  /** CLIP pooled width (pooled_projection_dim). */
  pooledDim: number;
  hasGuidance: boolean;
}

/** Packed channel j = c * 4 + dy * 2 + dx carries latent channel c (packing.ts). */
function packed(perChannel: Float64Array): Float32Array {
  const out = new Float32Array(LATENT_CHANNELS * 4);
  for (let j = 0; j < out.length; j++) out[j] = perChannel[Math.floor(j / 4)];
  return out;
}

/**
 * The demo transformer: the exact rectified-flow velocity of a Gaussian data distribution over the
 * latents, whose per-channel mean m and spread q follow the prompt's mood words (demo-words.ts).
 * Derivation in docs/demo-model.md; in Flux's convention x_s = (1 - s) x0 + s eps (s = 1 noise,
 * 0 image) and v = E[eps - x0 | x_s], so for x0 ~ N(m, q^2), eps ~ N(0, 1) per coordinate
 *   V(s) = (1 - s)^2 q^2 + s^2                    (the variance of x_s)
 *   v(x, s) = (s - (1 - s) q^2) / V(s) * (x - (1 - s) m) - m,
 * finite for every s in [0, 1] (V > 0 unless q = 0 at s = 0). gaussian-velocity.ts computes the same
 * in plain TypeScript; the tests hold the two together.
 *
 * The prompt: the T5 encoder's first MOOD_COUNT features count each meaning in the prompt (one per
 * token of a mood word, 0 for any other token), so summing them over the sequence gives the counts;
 * the prior is their average, or NEUTRAL with none. Everything else (the other T5 features, CLIP's
 * pooled vector, guidance, the position ids) is accepted as a Flux export declares it and does not
 * move the flow: a demo prompt means only its mood words.
 */
export function buildTransformerGraph(dims: TransformerDims, precision: Precision): GraphBuilder {
  if (dims.textDim < MOOD_COUNT) {
    throw new RangeError(`textDim ${dims.textDim} cannot hold ${MOOD_COUNT} mood features`);
  }
  const g = new GraphBuilder("demo_flux_transformer", precision);
  const hs = g.input("hidden_states", "float", ["batch_size", "packed_height_width", 64]);
  const ehs = g.input("encoder_hidden_states", "float", ["batch_size", "sequence_length", dims.textDim]);
  g.input("pooled_projections", "float", ["batch_size", dims.pooledDim]);
  const timestep = g.input("timestep", "float", ["step"]);
  // int64 as in diffusers' Flux export (the ids are integer positions); unused by the demo flow.
  g.input("img_ids", "int64", ["packed_height_width", 3]);
  g.input("txt_ids", "int64", ["sequence_length", 3]);
  if (dims.hasGuidance) g.input("guidance", "float", ["batch_size"]);

  const i64 = (name: string, values: number[]) => g.constInt64(name, [values.length], values);

  // Counts of each meaning: the first MOOD_COUNT T5 features summed over the sequence. [B,K]
  const moodFeatures = g.node("Slice", [
    ehs,
    i64("mood_start", [0]),
    i64("mood_end", [MOOD_COUNT]),
    i64("mood_axis", [2]),
  ]);
  const counts = g.node("ReduceSum", [moodFeatures, i64("seq_axis", [1])], { keepdims: 0 });
  const total = g.node("ReduceSum", [counts, i64("mood_axis_1", [1])], { keepdims: 1 }); // [B,1]
  const denom = g.node("Max", [total, g.constFloat("one_word", [1], [1])]);
  const weights = g.node("Div", [counts, denom]); // [B,K]: each word's share
  const neutralWeight = g.node("Sub", [g.constFloat("one", [1], [1]), g.node("Div", [total, denom])]); // 1 with no word

  // Tables in latent units over packed channels.
  const meanTable = new Float32Array(MOOD_COUNT * 64);
  const spreadTable = new Float32Array(MOOD_COUNT * 64);
  MOOD_WORDS.forEach((word, k) => {
    const p = channelPrior(word);
    meanTable.set(packed(p.mean.map((x) => x * LATENT_PER_COEFFICIENT)), k * 64);
    spreadTable.set(packed(p.spread.map((x) => x * LATENT_PER_COEFFICIENT)), k * 64);
  });
  const neutral = channelPrior(NEUTRAL);
  const neutralMean = packed(neutral.mean.map((x) => x * LATENT_PER_COEFFICIENT));
  const neutralSpread = packed(neutral.spread.map((x) => x * LATENT_PER_COEFFICIENT));
  const tokenAxis = i64("token_axis", [1]);
  const mix = (name: string, table: Float32Array, fallback: Float32Array) =>
    g.node("Unsqueeze", [
      g.node("Add", [
        g.node("MatMul", [weights, g.weight(`${name}_table`, [MOOD_COUNT, 64], table)]),
        g.node("Mul", [neutralWeight, g.weight(`${name}_neutral`, [64], fallback)]),
      ]),
      tokenAxis,
    ]); // [B,1,64]
  const m = mix("mean", meanTable, neutralMean);
  const q = mix("spread", spreadTable, neutralSpread);
  const q2 = g.node("Mul", [q, q]);

  // v = (s - (1 - s) q^2) / ((1 - s)^2 q^2 + s^2) * (x - (1 - s) m) - m, with s = sigma per batch row.
  const s = g.node("Unsqueeze", [timestep, i64("sigma_axes", [1, 2])]); // [B,1,1]
  const oms = g.node("Sub", [g.constFloat("one_sigma", [1], [1]), s]);
  const variance = g.node("Add", [g.node("Mul", [g.node("Mul", [oms, oms]), q2]), g.node("Mul", [s, s])]);
  const slope = g.node("Div", [g.node("Sub", [s, g.node("Mul", [oms, q2])]), variance]);
  const centred = g.node("Sub", [hs, g.node("Mul", [oms, m])]);
  const velocity = g.node("Sub", [g.node("Mul", [slope, centred]), m]);
  g.output("out_hidden_states", velocity, ["batch_size", "packed_height_width", 64]);
  return g;
}
