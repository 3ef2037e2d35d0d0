import { GraphBuilder, type Precision } from "./graph-builder.js";
import { SeededRandom } from "./seeded-random.js";

export interface TransformerDims {
  /** T5 feature width (joint_attention_dim). */
  textDim: number;
  /** CLIP pooled width (pooled_projection_dim). */
  pooledDim: number;
  hasGuidance: boolean;
}

/** Prior variances of one band of the latent: the colour channels' (brightness, two colour differences), the rest's. */
export interface BandVariance {
  colour: number[];
  pattern: number;
}

/**
 * The picture prior, coarse to fine. A band is what one more round of blurring takes away: band k is
 * blur^(p_k) x - blur^(p_{k+1}) x, the last band's p is 0 (the latent itself). Pictures put their weight
 * in the coarse bands (big shapes, the colour of each 8x8 patch, channels 0, 10, 13) and little in the
 * fine ones, while white noise spreads evenly: so the coarse bands are read as picture, the fine ones
 * mostly as noise, as a real denoiser reads them.
 */
export interface TransformerTuning {
  /** Blur passes at the start of each band, coarse to fine, decreasing; the first band is the coarsest. */
  passes: number[];
  variances: BandVariance[];
  tintScale: number;
}

export const DEFAULT_TUNING: TransformerTuning = {
  passes: [8, 2, 0],
  variances: [
    { colour: [0.5, 0.5, 0.5], pattern: 0.05 },
    { colour: [0.1, 0.1, 0.1], pattern: 0.003 },
    { colour: [0.002, 0.002, 0.002], pattern: 0.0001 },
  ],
  tintScale: 3.5,
};

/** Binomial blur taps over the unpacked latent grid (8 pixels a tap), applied along rows then columns. */
const BLUR_TAPS = [1, 4, 6, 4, 1].map((t) => t / 16);
/** Latent channels carrying the 8x8 patch's mean brightness and its two colour differences (vae-graphs.ts). */
const COLOUR_CHANNELS = [0, 10, 13];
/** How far a prompt moves each: brightness a little, the colour differences more, so prompts read as tints. */
const TINT_SIZE = [0.4, 0.8, 0.8];
const LATENT_CHANNELS = 16;

/**
 * The tiny transformer: a denoiser that knows what a real one knows first, that pictures are smooth and
 * white noise is not. The latent splits into bands (TransformerTuning); each band gets the exact flow
 * velocity of a Gaussian prior, v = a(sigma) (x - (1 - sigma) m) - m with
 * a = (sigma n - (1 - sigma) S) / ((1 - sigma)^2 S + sigma^2 n), which is (x - x0_hat) / sigma for the
 * Wiener estimate x0_hat and stays finite at sigma 0 and 1. n is the share of white noise the band keeps
 * (bandNoise): about 1% in the coarsest, so there even a faint picture outweighs the noise and the
 * estimate is confident, as a real model's is. The detail bands' priors are narrow, so the model expects
 * little fine detail and removes what the stochastic sampler adds, instead of keeping it as picture.
 * Only the coarsest band has a mean m: a colour set by the prompt, the pooled vector, the guidance and
 * the token position. So at high noise the estimate is a blurred picture pulled towards the prompt's
 * colour, at low noise the smooth picture itself: edits keep the picture, and the prompt tints it more
 * the earlier the controller lets go. (Version 1 was one Gaussian over every channel alike: coloured
 * noise. Version 2 took each band's noise share as 1, so the coarse bands trusted the picture little and
 * SDE edits were resampled noise.)
 *
 * The grid width, needed to unpack the tokens for the blur, is read from img_ids (largest column + 1), so
 * any size works; img_ids also shape the colour (slow waves), and every input changes the output.
 */
export function buildTransformerGraph(
  dims: TransformerDims,
  precision: Precision,
  seed: number,
  tuning: TransformerTuning = DEFAULT_TUNING,
): GraphBuilder {
  const rnd = new SeededRandom(seed);
  const g = new GraphBuilder("tiny_flux_transformer", precision);
  const D = dims.textDim;

  const hs = g.input("hidden_states", "float", ["batch_size", "packed_height_width", 64]);
  const ehs = g.input("encoder_hidden_states", "float", ["batch_size", "sequence_length", D]);
  const pooled = g.input("pooled_projections", "float", ["batch_size", dims.pooledDim]);
  const timestep = g.input("timestep", "float", ["step"]);
  // int64 ids, cast to float inside, as Optimum's FLUX export declares them.
  const toFloat = (ids: string) => g.node("Cast", [ids], { to: 1 });
  const imgIds = toFloat(g.input("img_ids", "int64", ["packed_height_width", 3]));
  const txtIds = toFloat(g.input("txt_ids", "int64", ["sequence_length", 3]));
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

  // The prompt's colour: brightness and two colour differences per token, varying slowly with position.
  const freqs = rnd.uniforms(3 * D, -0.2, 0.2);
  const pos = g.node("Sin", [g.node("MatMul", [imgIds, g.weight("img_ids_proj", [3, D], freqs)])]); // [L,D]
  const hidden = g.node("Tanh", [
    g.node("Add", [cond, g.node("Mul", [pos, g.constFloat("pos_gain", [1], [0.3])])]),
  ]);
  const toColour = rnd.normals(D * 3, tuning.tintScale / Math.sqrt(D));
  for (let i = 0; i < toColour.length; i++) toColour[i] *= TINT_SIZE[i % 3];
  // Each colour feeds its channel in all four sub-pixels of the 2x2 token (packed channel ch*4 + dy*2 + dx).
  const place = new Float32Array(3 * 64);
  COLOUR_CHANNELS.forEach((ch, k) => {
    for (let sub = 0; sub < 4; sub++) place[k * 64 + ch * 4 + sub] = 1;
  });
  const colourProj = new Float32Array(D * 64);
  for (let d = 0; d < D; d++)
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < 64; j++) colourProj[d * 64 + j] += toColour[d * 3 + k] * place[k * 64 + j];
  const mean = g.node("MatMul", [hidden, g.weight("proj_out", [D, 64], colourProj)]); // [B,L,64]

  // The bands: blur the unpacked [B,16,h,w] grid further and further, and pack each level back.
  const grid = latentGrid(g, imgIds);
  const levels: string[] = [];
  let blurred = grid.unpack(hs);
  let done = 0;
  for (const p of [...tuning.passes].reverse()) {
    for (; done < p; done++) blurred = grid.blur(blurred);
    levels.unshift(p === 0 ? hs : grid.pack(blurred));
  }

  const sigma = g.node("Unsqueeze", [timestep, axes12]); // [B,1,1]
  const oms = g.node("Sub", [g.constFloat("one", [1], [1]), sigma]);
  const noise = bandNoise(tuning.passes);
  // a(sigma) = (sigma n - (1 - sigma) S) / ((1 - sigma)^2 S + sigma^2 n), per packed channel.
  const gain = (name: string, variance: BandVariance, k: number) => {
    const s2 = g.constFloat(name, [64], packedVariances(variance));
    const n = g.constFloat(`${name}_noise`, [1], [noise[k]]);
    const sn = g.node("Mul", [sigma, n]);
    const denom = g.node("Add", [g.node("Mul", [g.node("Mul", [oms, oms]), s2]), g.node("Mul", [sigma, sn])]);
    return g.node("Div", [g.node("Sub", [sn, g.node("Mul", [oms, s2])]), denom]);
  };
  // Coarsest band, about the prompt's colour m: a (x - (1 - sigma) m) - m.
  let velocity = g.node("Sub", [
    g.node("Mul", [
      gain("variance_band_0", tuning.variances[0], 0),
      g.node("Sub", [levels[0], g.node("Mul", [oms, mean])]),
    ]),
    mean,
  ]);
  for (let k = 1; k < levels.length; k++) {
    const band = g.node("Sub", [levels[k], levels[k - 1]]);
    velocity = g.node("Add", [
      velocity,
      g.node("Mul", [gain(`variance_band_${k}`, tuning.variances[k], k), band]),
    ]);
  }
  g.output("out_hidden_states", velocity, ["batch_size", "packed_height_width", 64]);
  return g;
}

/** 1-D taps of p binomial blur passes. */
function blurKernel(p: number): number[] {
  let k = [1];
  for (let i = 0; i < p; i++) {
    const next = new Array<number>(k.length + BLUR_TAPS.length - 1).fill(0);
    for (let x = 0; x < k.length; x++)
      for (let y = 0; y < BLUR_TAPS.length; y++) next[x + y] += k[x] * BLUR_TAPS[y];
    k = next;
  }
  return k;
}

/**
 * The variance each band keeps of unit white noise: the squared 2-D taps of blur^p_k - blur^p_{k-1}.
 * Blurred noise is small, so a coarse band at a given sigma is far more picture than noise.
 */
export function bandNoise(passes: number[]): number[] {
  const kernel2d = (p: number) => {
    const k = blurKernel(p);
    const size = 1 + 4 * Math.max(...passes);
    const out = new Float64Array(size * size);
    const off = (size - k.length) / 2;
    for (let y = 0; y < k.length; y++)
      for (let x = 0; x < k.length; x++) out[(y + off) * size + x + off] = k[y] * k[x];
    return out;
  };
  return passes.map((p, i) => {
    const a = kernel2d(p);
    const coarser = i === 0 ? null : kernel2d(passes[i - 1]);
    let sum = 0;
    for (let j = 0; j < a.length; j++) sum += (a[j] - (coarser === null ? 0 : coarser[j])) ** 2;
    return sum;
  });
}

/** One variance per packed channel ch*4 + dy*2 + dx. */
function packedVariances(v: BandVariance): number[] {
  const out = new Array<number>(64).fill(v.pattern);
  COLOUR_CHANNELS.forEach((ch, k) => {
    for (let sub = 0; sub < 4; sub++) out[ch * 4 + sub] = v.colour[k];
  });
  return out;
}

interface LatentGrid {
  /** Packed [B,L,64] -> [B,16,2h,2w]. */
  unpack(packed: string): string;
  /** [B,16,2h,2w] -> packed [B,L,64]. */
  pack(grid: string): string;
  /** One separable binomial blur of the grid, edges repeated. */
  blur(grid: string): string;
}

/** Packing and blurring over the unpacked latent grid; the grid width (tokens per row) is read from img_ids. */
function latentGrid(g: GraphBuilder, imgIds: string): LatentGrid {
  // Tokens per row = largest column id + 1, as an int64 [1] for the shapes below.
  const cols = g.node("Gather", [imgIds, g.constInt64("col_index", [], [2])], { axis: 1 }); // [L]
  const colMax = g.node("ReduceMax", [cols], { axes: [0], keepdims: 1 }); // [1]
  const w = g.node("Cast", [g.node("Add", [colMax, g.constFloat("col_one", [1], [1])])], { to: 7 });
  const w2 = g.node("Mul", [w, g.constInt64("two", [1], [2])]);
  const i64 = (name: string, values: number[]) => g.constInt64(name, [values.length], values);
  // 0 in a Reshape shape copies the batch axis.
  const tokensShape = g.node(
    "Concat",
    [i64("shape_b_h", [0, -1]), w, i64("shape_c22", [LATENT_CHANNELS, 2, 2])],
    {
      axis: 0,
    },
  );
  const gridShape = g.node("Concat", [i64("shape_b_c_h", [0, LATENT_CHANNELS, -1]), w2], { axis: 0 });
  const splitShape = g.node(
    "Concat",
    [i64("shape_b_c_h_2", [0, LATENT_CHANNELS, -1, 2]), w, i64("shape_2", [2])],
    { axis: 0 },
  );
  const packedShape = i64("shape_b_l_64", [0, -1, 64]);

  const k = BLUR_TAPS.length;
  const half = (k - 1) / 2;
  const kernel: number[] = [];
  for (let c = 0; c < LATENT_CHANNELS; c++) kernel.push(...BLUR_TAPS);
  const rowW = g.constFloat("blur_row", [LATENT_CHANNELS, 1, 1, k], kernel);
  const colW = g.constFloat("blur_col", [LATENT_CHANNELS, 1, k, 1], kernel);
  const pads = i64("blur_pads", [0, 0, half, half, 0, 0, half, half]);

  return {
    // [B,L,64] -> [B,h,w,16,2,2] -> [B,16,h,2,w,2] -> [B,16,2h,2w].
    unpack: (packed) =>
      g.node("Reshape", [
        g.node("Transpose", [g.node("Reshape", [packed, tokensShape])], { perm: [0, 3, 1, 4, 2, 5] }),
        gridShape,
      ]),
    // [B,16,2h,2w] -> [B,16,h,2,w,2] -> [B,h,w,16,2,2] -> [B,L,64].
    pack: (grid) =>
      g.node("Reshape", [
        g.node("Transpose", [g.node("Reshape", [grid, splitShape])], { perm: [0, 2, 4, 1, 3, 5] }),
        packedShape,
      ]),
    // Edge padding: a blur that dimmed the border would read as a dark frame in every edit.
    blur: (grid) => {
      const padded = g.node("Pad", [grid, pads], { mode: "edge" });
      const rows = g.node("Conv", [padded, rowW], { group: LATENT_CHANNELS, kernel_shape: [1, k] });
      return g.node("Conv", [rows, colW], { group: LATENT_CHANNELS, kernel_shape: [k, 1] });
    },
  };
}
