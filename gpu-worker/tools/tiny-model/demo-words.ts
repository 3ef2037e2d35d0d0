/**
 * The demo model's vocabulary of colour and mood words (docs/demo-model.md). Each word names the
 * latent distribution a picture "in that mood" is drawn from: a mean colour (only the 8x8 patches'
 * mean brightness and colour channels have a mean, the detail channels' mean is 0) and a spread per
 * kind of channel. A narrow spread pulls that part of the picture towards the word's mean as the
 * edit gets stronger; a wide one leaves it alone. Words not in the table change nothing.
 */

import { LATENT_CHANNELS, patchChannels } from "./vae-basis.js";

/** Spread of each kind of latent channel, in basis-coefficient units (vae-basis.ts). */
export interface Spreads {
  /** The patch's mean brightness. */
  lumaMean: number;
  /** Brightness detail inside the patch (the 9 other brightness patterns). */
  lumaDetail: number;
  /** The patch's mean colour (two colour differences). */
  colourMean: number;
  /** Colour detail inside the patch. */
  colourDetail: number;
}

export interface MoodWord {
  /** T5 pieces (without the "▁" word start) that carry this meaning. */
  pieces: string[];
  /** Mean colour, 8-bit sRGB: where the picture's patches are pulled. */
  rgb: [number, number, number];
  spreads: Spreads;
}

/**
 * With no known word: mean mid-grey and spreads wider than photographs' (bench/photos measured about
 * 5 for the mean brightness, 1-4 for the mean colour, at most 0.7 for the details), so the prior
 * trusts the picture and an edit with an unknown prompt keeps it.
 */
export const NEUTRAL: MoodWord = {
  pieces: [],
  rgb: [128, 128, 128],
  spreads: { lumaMean: 8, lumaDetail: 1.5, colourMean: 5, colourDetail: 1.5 },
};

/** Narrow enough that the mean colour moves visibly by strength 0.5 (docs/demo-model.md, "Tuning"). */
const TINT = 0.1;
/** Softly narrowed brightness: the mood's light level shows, the shapes stay. */
const LIGHT = 0.8;
const GREY: Pick<Spreads, "colourMean" | "colourDetail"> = { colourMean: 0.03, colourDetail: 0.02 };
const keep = NEUTRAL.spreads;

export const MOOD_WORDS: MoodWord[] = [
  {
    pieces: ["winter", "wintry", "snow", "ice", "icy", "frozen", "cold"],
    rgb: [205, 220, 240],
    spreads: { lumaMean: LIGHT, lumaDetail: 0.4, colourMean: TINT, colourDetail: 0.05 },
  },
  {
    pieces: ["sunset", "sunrise", "dusk", "dawn"],
    rgb: [250, 135, 55],
    spreads: { lumaMean: 1.2, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.1 },
  },
  {
    pieces: ["golden", "gold", "warm"],
    rgb: [235, 185, 75],
    spreads: { lumaMean: 1.5, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.1 },
  },
  {
    pieces: ["night", "midnight", "dark"],
    rgb: [25, 35, 80],
    spreads: { lumaMean: 0.4, lumaDetail: 0.6, colourMean: TINT, colourDetail: 0.1 },
  },
  {
    pieces: ["autumn", "fall", "autumnal"],
    rgb: [200, 105, 40],
    spreads: { lumaMean: 1.5, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.15 },
  },
  {
    pieces: ["spring"],
    rgb: [150, 205, 115],
    spreads: { lumaMean: 1.5, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.15 },
  },
  {
    pieces: ["summer", "sunny"],
    rgb: [240, 215, 120],
    spreads: { lumaMean: 1.2, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.2 },
  },
  {
    pieces: ["desert", "sand", "sandy"],
    rgb: [215, 180, 125],
    spreads: { lumaMean: 1.2, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.1 },
  },
  {
    pieces: ["neon", "cyberpunk"],
    rgb: [215, 40, 200],
    spreads: { lumaMean: 0.8, lumaDetail: keep.lumaDetail, colourMean: TINT, colourDetail: 0.5 },
  },
  {
    pieces: ["sepia", "vintage"],
    rgb: [165, 125, 85],
    spreads: { lumaMean: keep.lumaMean, lumaDetail: keep.lumaDetail, ...GREY },
  },
  {
    // "black and white": both words desaturate and leave the light alone, so together they still do.
    pieces: ["black", "white", "monochrome", "grayscale", "greyscale", "gray", "grey"],
    rgb: [128, 128, 128],
    spreads: { lumaMean: keep.lumaMean, lumaDetail: keep.lumaDetail, ...GREY },
  },
  { pieces: ["red"], rgb: [215, 45, 45], spreads: { ...keep, colourMean: TINT } },
  { pieces: ["orange"], rgb: [240, 140, 40], spreads: { ...keep, colourMean: TINT } },
  { pieces: ["yellow"], rgb: [235, 215, 60], spreads: { ...keep, colourMean: TINT } },
  { pieces: ["green"], rgb: [60, 170, 70], spreads: { ...keep, colourMean: TINT } },
  { pieces: ["blue"], rgb: [50, 100, 220], spreads: { ...keep, colourMean: TINT } },
  { pieces: ["purple", "violet"], rgb: [140, 70, 190], spreads: { ...keep, colourMean: TINT } },
  { pieces: ["pink"], rgb: [240, 140, 190], spreads: { ...keep, colourMean: TINT } },
];

/** Number of word meanings: the width of the T5 features that mark them. */
export const MOOD_COUNT = MOOD_WORDS.length;

/** The latent distribution of one meaning, per latent channel, in basis-coefficient units. */
export interface ChannelPrior {
  mean: Float64Array;
  spread: Float64Array;
}

/**
 * A word's mean and spread per latent channel. The mean colour becomes the patch-mean coefficients
 * (a flat 8x8 patch of that colour); detail channels have mean 0.
 */
export function channelPrior(word: MoodWord): ChannelPrior {
  const pixel = word.rgb.map((v) => v / 127.5 - 1);
  const mean = new Float64Array(LATENT_CHANNELS);
  const spread = new Float64Array(LATENT_CHANNELS);
  patchChannels().forEach((ch, c) => {
    const flat = ch.u === 0 && ch.v === 0;
    // A flat patch of one colour has only the DC coefficient: 8 (the DC pattern's sum) times the colour's
    // projection on the channel's colour vector.
    if (flat) mean[c] = 8 * (pixel[0] * ch.colour[0] + pixel[1] * ch.colour[1] + pixel[2] * ch.colour[2]);
    const s = word.spreads;
    spread[c] =
      ch.kind === "luma" ? (flat ? s.lumaMean : s.lumaDetail) : flat ? s.colourMean : s.colourDetail;
  });
  return { mean, spread };
}

/**
 * The prompt's prior from how often each meaning occurs in it: the average over the known words'
 * means and spreads, NEUTRAL when there are none. The transformer graph computes exactly this from
 * the T5 features.
 */
export function promptPrior(counts: ArrayLike<number>): ChannelPrior {
  let total = 0;
  for (let k = 0; k < MOOD_COUNT; k++) total += counts[k] ?? 0;
  const mean = new Float64Array(LATENT_CHANNELS);
  const spread = new Float64Array(LATENT_CHANNELS);
  const add = (p: ChannelPrior, w: number) => {
    for (let c = 0; c < LATENT_CHANNELS; c++) {
      mean[c] += w * p.mean[c];
      spread[c] += w * p.spread[c];
    }
  };
  if (total === 0) add(channelPrior(NEUTRAL), 1);
  else
    MOOD_WORDS.forEach((word, k) => {
      add(channelPrior(word), (counts[k] ?? 0) / total);
    });
  return { mean, spread };
}

/** Which meaning a T5 piece ("▁winter") carries, or -1. */
export function moodOfPiece(piece: string): number {
  const word = piece.startsWith("▁") ? piece.slice(1) : piece;
  return MOOD_WORDS.findIndex((w) => w.pieces.includes(word.toLowerCase()));
}
