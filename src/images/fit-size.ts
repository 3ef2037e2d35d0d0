import { ImageShapeError } from "./errors/image-shape-error.js";

export interface Size {
  width: number;
  height: number;
}

/**
 * Flux's "megapixel": 1024x1024, the size it was trained at, so the default target of 1 leaves a
 * 1024x1024 upload untouched instead of resampling it to 1008x1008.
 */
export const FLUX_MEGAPIXEL = 1024 * 1024;

export interface FitOptions {
  /** Working area in Flux megapixels (1024x1024 each). Default 1. */
  targetMegapixels?: number;
  /** Both sides are multiples of this: 16 for Flux (8x VAE, then 2x2 packing). */
  multiple?: number;
  /**
   * Small inputs are upscaled so their short side reaches this (default 256; Flux makes little sense
   * on fewer latent tokens). Never more than the side of a square of the target area, so a small
   * target in tests stays small.
   */
  minShortSide?: number;
  /** Longer side / shorter side above which the image is refused (default 8). */
  maxAspectRatio?: number;
}

/**
 * The working size for the model: the input's aspect ratio at about `targetMegapixels`, each side
 * a multiple of 16. Tiny inputs (down to 1x1) are scaled up; over-elongated ones throw ImageShapeError.
 */
export function fitSize(width: number, height: number, options: FitOptions = {}): Size {
  const target = options.targetMegapixels ?? 1;
  const multiple = options.multiple ?? 16;
  const maxAspect = options.maxAspectRatio ?? 8;
  checkSide("width", width);
  checkSide("height", height);
  if (!(Number.isFinite(target) && target > 0)) {
    throw new RangeError(`targetMegapixels must be a positive number, got ${target}`);
  }
  if (!(Number.isInteger(multiple) && multiple >= 1)) throw new RangeError(`multiple must be >= 1`);
  if (Math.max(width, height) / Math.min(width, height) > maxAspect) {
    throw new ImageShapeError(width, height, maxAspect);
  }

  const targetPixels = target * FLUX_MEGAPIXEL;
  const scale = Math.sqrt(targetPixels / (width * height));
  let w = width * scale;
  let h = height * scale;
  const squareSide = Math.max(multiple, Math.floor(Math.sqrt(targetPixels) / multiple) * multiple);
  const minShort = Math.min(options.minShortSide ?? 256, squareSide);
  const short = Math.min(w, h);
  if (short < minShort) {
    w *= minShort / short;
    h *= minShort / short;
  }
  return { width: roundTo(w, multiple), height: roundTo(h, multiple) };
}

/**
 * The size the result is delivered at, always the input's aspect ratio (the working size only
 * approximates it, to multiples of 16). An input no larger than the working area comes back at its own
 * size, so a 640x480 photo returns as 640x480 and a 1x1 as 1x1. A larger input comes back at the
 * working area (we do not invent detail by upscaling to, say, 24 MP), with its exact aspect ratio.
 */
export function outputSize(input: Size, working: Size): Size {
  const inputArea = input.width * input.height;
  const workingArea = working.width * working.height;
  if (inputArea <= workingArea) return { width: input.width, height: input.height };
  const ratio = input.width / input.height;
  return {
    width: Math.max(1, Math.round(Math.sqrt(workingArea * ratio))),
    height: Math.max(1, Math.round(Math.sqrt(workingArea / ratio))),
  };
}

function roundTo(value: number, multiple: number): number {
  return Math.max(multiple, Math.round(value / multiple) * multiple);
}

function checkSide(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1))
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
