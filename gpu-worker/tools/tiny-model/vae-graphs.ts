import { GraphBuilder, type Precision } from "./graph-builder.js";

export const LATENT_CHANNELS = 16;
const PATCH = 8;
/** Latent units per basis coefficient of a patch's mean brightness: keeps scaled latents near unit size. */
const COEFF_TO_LATENT = 1 / 4;
/** What a real VAE reports for its (almost deterministic) posterior: only the mean is used. */
const LOG_VARIANCE = -8;

export interface VaeScaling {
  scalingFactor: number;
  shiftFactor: number;
}

function dct(u: number, x: number): number {
  const alpha = u === 0 ? Math.sqrt(1 / PATCH) : Math.sqrt(2 / PATCH);
  return alpha * Math.cos((Math.PI * (2 * x + 1) * u) / (2 * PATCH));
}

interface Pattern {
  colour: number[];
  u: number;
  v: number;
}

/** The 16 channels' patterns: brightness at the 10 lowest 2-D cosine frequencies, two colour differences at the 3 lowest. */
function patterns(): Pattern[] {
  const s3 = 1 / Math.sqrt(3);
  const luma = [s3, s3, s3];
  const chromaA = [1 / Math.SQRT2, -1 / Math.SQRT2, 0];
  const chromaB = [1 / Math.sqrt(6), 1 / Math.sqrt(6), -2 / Math.sqrt(6)];
  const lumaFreqs = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
    [0, 2],
    [2, 0],
    [1, 2],
    [2, 1],
    [0, 3],
    [3, 0],
  ];
  const chromaFreqs = [
    [0, 0],
    [0, 1],
    [1, 0],
  ];
  return [
    ...lumaFreqs.map(([u, v]) => ({ colour: luma, u, v })),
    ...chromaFreqs.map(([u, v]) => ({ colour: chromaA, u, v })),
    ...chromaFreqs.map(([u, v]) => ({ colour: chromaB, u, v })),
  ];
}

/**
 * The 8x8 patches' mean brightness and mean colour: the picture itself. A larger gain puts the sampler's
 * leftover noise (the SDE's last step keeps some) further below a visible colour step per patch, while
 * scaled latents stay within a real VAE's range (up to about 10 on fully saturated flat shapes, RMS about 1.6).
 */
const MEAN_GAIN = 3;
/** The colour differences' first cosine patterns: rare and small in pictures, so quieter noise there. */
const CHROMA_DETAIL_GAIN = 6;

/**
 * Each channel's gain on top of COEFF_TO_LATENT. Pictures hold far less in colour and
 * in the higher cosine patterns, so those are scaled up until every channel has about the same spread,
 * as a real VAE's latents do. Without it, noise the same size in every channel (the inversion's) would
 * swamp the quiet channels and decode to coloured 8x8 speckle.
 */
export function vaeChannelGains(): number[] {
  return patterns().map((p, ch) => {
    if (p.u + p.v === 0) return MEAN_GAIN;
    return ch < 10 ? 4 * (p.u + p.v) : CHROMA_DETAIL_GAIN;
  });
}

/**
 * 16 orthonormal 3x8x8 patterns (see patterns()). Encoding projects each 8x8 patch onto them and decoding
 * sums them back, so the round trip is a smooth low-pass copy of the picture and every latent channel is
 * visible.
 */
export function vaeBasis(): Float32Array {
  const out = new Float32Array(LATENT_CHANNELS * 3 * PATCH * PATCH);
  patterns().forEach((p, ch) => {
    for (let col = 0; col < 3; col++) {
      for (let y = 0; y < PATCH; y++) {
        for (let x = 0; x < PATCH; x++) {
          out[((ch * 3 + col) * PATCH + y) * PATCH + x] = p.colour[col] * dct(p.u, y) * dct(p.v, x);
        }
      }
    }
  });
  return out;
}

/** sample [B,3,H,W] in [-1,1] -> latent_parameters [B,32,H/8,W/8]: mean, then log-variance. */
export function buildVaeEncoderGraph(scaling: VaeScaling, precision: Precision): GraphBuilder {
  const g = new GraphBuilder("tiny_vae_encoder", precision);
  const sample = g.input("sample", "float", ["batch_size", 3, "sample_height", "sample_width"]);
  const basis = vaeBasis();
  const perChannel = 3 * PATCH * PATCH;
  const weight = new Float32Array(2 * LATENT_CHANNELS * perChannel);
  const gain = COEFF_TO_LATENT / scaling.scalingFactor;
  const channelGains = vaeChannelGains();
  for (let i = 0; i < basis.length; i++)
    weight[i] = basis[i] * gain * channelGains[Math.floor(i / perChannel)];
  const bias = new Float32Array(2 * LATENT_CHANNELS);
  for (let c = 0; c < LATENT_CHANNELS; c++) {
    bias[c] = scaling.shiftFactor;
    bias[LATENT_CHANNELS + c] = LOG_VARIANCE;
  }
  const out = g.node(
    "Conv",
    [
      sample,
      g.weight("encoder.conv.weight", [2 * LATENT_CHANNELS, 3, PATCH, PATCH], weight),
      g.weight("encoder.conv.bias", [2 * LATENT_CHANNELS], bias),
    ],
    { kernel_shape: [PATCH, PATCH], strides: [PATCH, PATCH] },
  );
  g.output("latent_parameters", out, [
    "batch_size",
    2 * LATENT_CHANNELS,
    "sample_height / 8",
    "sample_width / 8",
  ]);
  return g;
}

/** latent_sample [B,16,h,w] (unscaled, as the VAE sees it) -> sample [B,3,8h,8w]. */
export function buildVaeDecoderGraph(scaling: VaeScaling, precision: Precision): GraphBuilder {
  const g = new GraphBuilder("tiny_vae_decoder", precision);
  const latent = g.input("latent_sample", "float", [
    "batch_size",
    LATENT_CHANNELS,
    "latent_height",
    "latent_width",
  ]);
  const basis = vaeBasis();
  const weight = new Float32Array(basis.length);
  const gain = scaling.scalingFactor / COEFF_TO_LATENT;
  const channelGains = vaeChannelGains();
  const perChannel = 3 * PATCH * PATCH;
  for (let i = 0; i < basis.length; i++)
    weight[i] = (basis[i] * gain) / channelGains[Math.floor(i / perChannel)];
  const centred = g.node("Sub", [latent, g.constFloat("shift", [1], [scaling.shiftFactor])]);
  const out = g.node(
    "ConvTranspose",
    [centred, g.weight("decoder.conv_out.weight", [LATENT_CHANNELS, 3, PATCH, PATCH], weight)],
    { kernel_shape: [PATCH, PATCH], strides: [PATCH, PATCH] },
  );
  g.output("sample", out, ["batch_size", 3, "latent_height * 8", "latent_width * 8"]);
  return g;
}
