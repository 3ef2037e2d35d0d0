import sharp, { type Sharp } from "sharp";

/** 8-bit sRGB pixels, interleaved RGB, no alpha: what every image becomes once normalised. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export function rawInput(image: RgbImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/**
 * Resizes to exactly `width` x `height`. Callers pass sizes that keep the aspect ratio up to rounding,
 * so "fill" distorts by at most a pixel or so; Lanczos keeps detail when shrinking.
 */
export async function resizeRgb(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const { data, info } = await rawInput(image)
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
