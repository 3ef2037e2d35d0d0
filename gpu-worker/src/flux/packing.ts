/**
 * Flux's 2x2 latent packing. A VAE latent [16, h, w] becomes [(h/2)(w/2), 64] tokens: token r*(w/2)+c
 * holds the 2x2 patch at rows 2r..2r+1, columns 2c..2c+1, channel ch*4 + dy*2 + dx.
 */

export const LATENT_CHANNELS = 16;
export const PACKED_CHANNELS = LATENT_CHANNELS * 4;

export function packLatents(latent: Float32Array, latentHeight: number, latentWidth: number): Float32Array {
  checkShape(latent.length, latentHeight, latentWidth);
  const gw = latentWidth / 2;
  const tokens = (latentHeight / 2) * gw;
  const plane = latentHeight * latentWidth;
  const out = new Float32Array(tokens * PACKED_CHANNELS);
  // Walk the source in memory order (channel, row, column) so reads stay sequential; writes stride by 4.
  for (let ch = 0; ch < LATENT_CHANNELS; ch++) {
    const src0 = ch * plane;
    for (let y = 0; y < latentHeight; y++) {
      const rowBase = src0 + y * latentWidth;
      const tokenRow = (y >> 1) * gw;
      const chOff = ch * 4 + (y & 1) * 2;
      for (let x = 0; x < latentWidth; x++) {
        out[(tokenRow + (x >> 1)) * PACKED_CHANNELS + chOff + (x & 1)] = latent[rowBase + x];
      }
    }
  }
  return out;
}

export function unpackLatents(packed: Float32Array, latentHeight: number, latentWidth: number): Float32Array {
  checkShape(packed.length, latentHeight, latentWidth);
  const gw = latentWidth / 2;
  const plane = latentHeight * latentWidth;
  const out = new Float32Array(LATENT_CHANNELS * plane);
  for (let ch = 0; ch < LATENT_CHANNELS; ch++) {
    const dst0 = ch * plane;
    for (let y = 0; y < latentHeight; y++) {
      const rowBase = dst0 + y * latentWidth;
      const tokenRow = (y >> 1) * gw;
      const chOff = ch * 4 + (y & 1) * 2;
      for (let x = 0; x < latentWidth; x++) {
        out[rowBase + x] = packed[(tokenRow + (x >> 1)) * PACKED_CHANNELS + chOff + (x & 1)];
      }
    }
  }
  return out;
}

function checkShape(length: number, h: number, w: number): void {
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0 && h % 2 === 0 && w % 2 === 0)) {
    throw new RangeError(`latent size must be positive and even, got ${h}x${w}`);
  }
  if (length !== LATENT_CHANNELS * h * w) {
    throw new RangeError(`expected ${LATENT_CHANNELS * h * w} values for [16, ${h}, ${w}], got ${length}`);
  }
}
