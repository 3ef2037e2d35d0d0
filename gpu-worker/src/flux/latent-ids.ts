/**
 * Flux's image position ids for an image of `width` x `height` pixels: [L, 3] with rows [0, r, c]
 * over the packed token grid (H/16 x W/16), in token order r*(W/16)+c.
 */
export function latentImageIds(width: number, height: number): Float32Array {
  if (width % 16 !== 0 || height % 16 !== 0 || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive multiples of 16, got ${width}x${height}`);
  }
  const rows = height / 16;
  const cols = width / 16;
  const ids = new Float32Array(rows * cols * 3);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i += 3) {
      ids[i + 1] = r;
      ids[i + 2] = c;
    }
  }
  return ids;
}
