/**
 * Seeded standard normal noise that is identical, bit for bit, on every platform: xoshiro128** (32-bit
 * integer arithmetic through Math.imul) feeds Marsaglia and Tsang's ziggurat, whose tables and rare
 * slow path use ln and exp built from basic IEEE operations (portable-math.ts). No Math.random, no
 * Math.log. About 99% of samples cost one 32-bit draw, a table look-up and a compare, which keeps the
 * SDE sampler's L*64 normals per step (262144 at 1024x1024) cheap.
 *
 * Every (seed, stream, index) triple is its own generator, so the two seeds of docs/algorithm.md ("Seeds
 * and samplers") never share numbers: the inversion noise y1 is stream INVERSION, and the SDE noise of
 * editing step i is stream SDE, index i, whatever the inversion seed and whatever the other steps drew.
 */

import { portableExp, portableLog } from "./portable-math.js";
import { F, K, W, ZIGGURAT_LAYERS, ZIGGURAT_R } from "./ziggurat-tables.js";

export const NoiseStream = { INVERSION: 0, SDE: 1 } as const;
export type NoiseStream = (typeof NoiseStream)[keyof typeof NoiseStream];

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
const LAYER_MASK = ZIGGURAT_LAYERS - 1;
const WARM_UP_ROUNDS = 16;

/** murmur3's finaliser: a bijection on 32-bit words that is zero only at zero. */
function fmix32(word: number): number {
  let h = word | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
}

/** One xoshiro128** output (as a signed 32-bit integer), advancing `state`. */
function nextInt32(state: Int32Array): number {
  const s1 = state[1];
  let r = Math.imul(s1, 5);
  r = Math.imul((r << 7) | (r >>> 25), 9);
  const t = s1 << 9;
  state[2] ^= state[0];
  state[3] ^= s1;
  state[1] ^= state[2];
  state[0] ^= state[3];
  state[2] ^= t;
  state[3] = (state[3] << 11) | (state[3] >>> 21);
  return r;
}

/** Uniform in (0, 1), never 0, so that ln of it is finite. */
function nextUniform(state: Int32Array): number {
  return ((nextInt32(state) >>> 0) + 0.5) * TWO_POW_MINUS_32;
}

/**
 * The xoshiro128 state of one stream. Each word is a bijection of one input word, so distinct
 * (seed, stream, index) give distinct states and, xoshiro's step being a bijection, distinct sequences.
 */
export function seedState(seed: number, stream: number, index: number): Int32Array {
  checkSeed(seed);
  const state = new Int32Array(4);
  // ToUint32 and Math.floor are exact, so negative seeds split as two's complement words.
  state[0] = fmix32((seed >>> 0) ^ 0x9e3779b9);
  state[1] = fmix32((Math.floor(seed / TWO_POW_32) >>> 0) ^ 0x7f4a7c15);
  state[2] = fmix32((stream >>> 0) ^ 0x2545f491);
  state[3] = fmix32((index >>> 0) ^ 0x6a09e667);
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  // Spread the structured seed words through all four state words before the first output.
  for (let i = 0; i < WARM_UP_ROUNDS; i++) nextInt32(state);
  return state;
}

/**
 * The ziggurat's slow path for a draw hz in layer iz that missed the layer's inner rectangle: the
 * base layer's tail beyond R (Marsaglia's exponential rejection), or the wedge between the rectangle
 * and the density. A rejected wedge point draws again, possibly landing on the fast path.
 */
function slowNormal(first: number, firstLayer: number, state: Int32Array): number {
  let hz = first;
  let iz = firstLayer;
  for (;;) {
    const x = hz * W[iz];
    if (iz === 0) {
      let tail: number;
      let y: number;
      do {
        tail = -portableLog(nextUniform(state)) / ZIGGURAT_R;
        y = -portableLog(nextUniform(state));
      } while (y + y < tail * tail);
      return hz > 0 ? ZIGGURAT_R + tail : -ZIGGURAT_R - tail;
    }
    if (F[iz] + nextUniform(state) * (F[iz - 1] - F[iz]) < portableExp(-0.5 * x * x)) return x;
    hz = nextInt32(state);
    iz = hz & LAYER_MASK;
    if (Math.abs(hz) < K[iz]) return hz * W[iz];
  }
}

/**
 * Fills `out` with N(0, 1) samples and advances `state`. The fast path keeps the generator in locals;
 * the slow path (about 1% of samples) goes through `state`.
 */
export function fillGaussianFromState(out: Float32Array, state: Int32Array): void {
  let s0 = state[0];
  let s1 = state[1];
  let s2 = state[2];
  let s3 = state[3];
  const n = out.length;
  for (let j = 0; j < n; j++) {
    // xoshiro128**: output from s1, then the state update.
    let hz = Math.imul(s1, 5);
    hz = Math.imul((hz << 7) | (hz >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);

    const iz = hz & LAYER_MASK;
    if (Math.abs(hz) < K[iz]) {
      out[j] = hz * W[iz];
    } else {
      state[0] = s0;
      state[1] = s1;
      state[2] = s2;
      state[3] = s3;
      out[j] = slowNormal(hz, iz, state);
      s0 = state[0];
      s1 = state[1];
      s2 = state[2];
      s3 = state[3];
    }
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

/** Fills `out` from the generator of (seed, stream, index), from its start. */
export function fillStreamNoise(out: Float32Array, seed: number, stream: NoiseStream, index: number): void {
  fillGaussianFromState(out, seedState(seed, stream, index));
}

/** `length` samples of N(0, 1): the inversion noise y1 of docs/algorithm.md, drawn from `seed`. */
export function gaussianNoise(length: number, seed: number): Float32Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`length must be a non-negative integer, got ${length}`);
  }
  const out = new Float32Array(length);
  fillStreamNoise(out, seed, NoiseStream.INVERSION, 0);
  return out;
}
