import type { RgbImage } from "./rgb-image.js";

/** Interleaved 8-bit RGB -> planar float [3, H, W] in [-1, 1], the VAE's input layout. */
export function rgbToPlanar(image: RgbImage): Float32Array {
  const { data, width, height } = image;
  const plane = width * height;
  if (data.length !== plane * 3)
    throw new RangeError(`expected ${plane * 3} bytes for ${width}x${height} RGB`);
  const out = new Float32Array(plane * 3);
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    out[p] = data[i] / 127.5 - 1;
    out[plane + p] = data[i + 1] / 127.5 - 1;
    out[2 * plane + p] = data[i + 2] / 127.5 - 1;
  }
  return out;
}

/** Planar float [3, H, W] in about [-1, 1] -> interleaved 8-bit RGB; out-of-range values are clipped. */
export function planarToRgb(pixels: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  if (pixels.length !== plane * 3)
    throw new RangeError(`expected ${plane * 3} floats for [3, ${height}, ${width}]`);
  const data = Buffer.allocUnsafe(plane * 3);
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    data[i] = toByte(pixels[p]);
    data[i + 1] = toByte(pixels[plane + p]);
    data[i + 2] = toByte(pixels[2 * plane + p]);
  }
  return { data, width, height };
}

function toByte(v: number): number {
  const b = Math.round((v + 1) * 127.5);
  // NaN from a broken model becomes black rather than poisoning the PNG encoder.
  if (!(b >= 0)) return 0;
  return Math.min(b, 255);
}
