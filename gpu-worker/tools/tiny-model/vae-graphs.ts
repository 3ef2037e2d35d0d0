import { GraphBuilder, type Precision } from "./graph-builder.js";
import { LATENT_CHANNELS, LATENT_PER_COEFFICIENT, PATCH, patchChannels, vaeBasis } from "./vae-basis.js";

/** What a real VAE reports for its (almost deterministic) posterior: only the mean is used. */
const LOG_VARIANCE = -8;

export interface VaeScaling {
  scalingFactor: number;
  shiftFactor: number;
}

/**
 * sample [B,3,H,W] in [-1,1] -> latent_parameters [B,32,H/8,W/8]: mean, then log-variance. The mean is
 * each 8x8 patch's 16 basis coefficients (vae-basis.ts) times LATENT_PER_COEFFICIENT, stored the way
 * a Flux VAE stores it: the pipeline computes (mean - shift_factor) * scaling_factor, so the encoder
 * emits latent / scaling_factor + shift_factor.
 */
export function buildVaeEncoderGraph(scaling: VaeScaling, precision: Precision): GraphBuilder {
  const g = new GraphBuilder("demo_vae_encoder", precision);
  const sample = g.input("sample", "float", ["batch_size", 3, "sample_height", "sample_width"]);
  const basis = vaeBasis();
  const weight = new Float32Array(2 * LATENT_CHANNELS * 3 * PATCH * PATCH);
  const gain = LATENT_PER_COEFFICIENT / scaling.scalingFactor;
  for (let i = 0; i < basis.length; i++) weight[i] = basis[i] * gain;
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

/**
 * latent_sample [B,16,h,w] (unscaled, as the VAE sees it) -> sample [B,3,8h,8w]: the encoder's
 * transpose, with smooth interpolation. The transpose alone puts each patch back from its 16 patterns,
 * and neighbouring patches meet in a visible step wherever the picture changes slowly (sky, skin). So
 * the patches' mean colours are also interpolated bilinearly between patch centres, and the part of
 * that smooth field the 16 patterns cannot express (what the encoder would discard) is added to the
 * transpose. The decoder stays a right inverse of the encoder, encode(decode(z)) = z, and a flat area
 * decodes exactly flat.
 */
export function buildVaeDecoderGraph(scaling: VaeScaling, precision: Precision): GraphBuilder {
  const g = new GraphBuilder("demo_vae_decoder", precision);
  const latent = g.input("latent_sample", "float", [
    "batch_size",
    LATENT_CHANNELS,
    "latent_height",
    "latent_width",
  ]);
  const basis = vaeBasis();
  const toCoefficient = scaling.scalingFactor / LATENT_PER_COEFFICIENT;
  const fromLatent = new Float32Array(basis.length);
  for (let i = 0; i < basis.length; i++) fromLatent[i] = basis[i] * toCoefficient;
  // A mean (DC) coefficient c is a flat patch of colour c / 8 along its colour vector.
  const meanColour = new Float32Array(LATENT_CHANNELS * 3);
  patchChannels().forEach((ch, c) => {
    if (ch.u !== 0 || ch.v !== 0) return;
    for (let col = 0; col < 3; col++) meanColour[c * 3 + col] = (ch.colour[col] / PATCH) * toCoefficient;
  });
  const kernel = { kernel_shape: [PATCH, PATCH], strides: [PATCH, PATCH] };
  const centred = g.node("Sub", [latent, g.constFloat("shift", [1], [scaling.shiftFactor])]);
  const transpose = g.node(
    "ConvTranspose",
    [centred, g.weight("decoder.conv_out.weight", [LATENT_CHANNELS, 3, PATCH, PATCH], fromLatent)],
    kernel,
  );
  const colours = g.node("ConvTranspose", [
    centred,
    g.weight("decoder.mean_colour.weight", [LATENT_CHANNELS, 3, 1, 1], meanColour),
  ]); // [B,3,h,w]
  // half_pixel: output pixel centres map onto patch centres; beyond the outer centres the edge value holds.
  const smooth = g.node("Resize", [colours, "", g.constFloat("upscale", [4], [1, 1, PATCH, PATCH])], {
    mode: "linear",
    coordinate_transformation_mode: "half_pixel",
  });
  // smooth minus its own projection onto the basis: the part the encoder does not see.
  const basisWeight = g.weight("decoder.basis", [LATENT_CHANNELS, 3, PATCH, PATCH], basis);
  const projected = g.node(
    "ConvTranspose",
    [g.node("Conv", [smooth, basisWeight], kernel), basisWeight],
    kernel,
  );
  const out = g.node("Add", [transpose, g.node("Sub", [smooth, projected])]);
  g.output("sample", out, ["batch_size", 3, "latent_height * 8", "latent_width * 8"]);
  return g;
}
