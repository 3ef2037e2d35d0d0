/**
 * ln and exp from IEEE-754 basic operations only (+ - * /, each correctly rounded), so they give the
 * same bits on every platform and JavaScript engine. Math.log and Math.exp are not required by the
 * language to be correctly rounded and have changed between engine versions; the seeded noise, which
 * keys the inversion cache, must not. Accuracy is near double precision, far beyond float32 needs.
 */

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO = Math.SQRT2;
const LN_TWO = Math.LN2;
const C3 = 1 / 3;
const C5 = 1 / 5;
const C7 = 1 / 7;
const C9 = 1 / 9;
const C11 = 1 / 11;
const C13 = 1 / 13;
const C15 = 1 / 15;
const C17 = 1 / 17;

/**
 * ln(x) for a finite x > 0: x = 2^e * f with f in [sqrt(1/2), sqrt(2)) (scaling by 2 is exact), then
 * ln f = 2 atanh(z), z = (f - 1)/(f + 1), |z| < 0.1716, as the odd series up to z^17 (truncation
 * below 1e-13 relative).
 */
export function portableLog(x: number): number {
  let f = x;
  let e = 0;
  while (f < SQRT_HALF) {
    f *= 2;
    e--;
  }
  while (f >= SQRT_TWO) {
    f *= 0.5;
    e++;
  }
  const z = (f - 1) / (f + 1);
  const z2 = z * z;
  const series =
    1 + z2 * (C3 + z2 * (C5 + z2 * (C7 + z2 * (C9 + z2 * (C11 + z2 * (C13 + z2 * (C15 + z2 * C17)))))));
  return e * LN_TWO + 2 * z * series;
}

/** 1/k! for k = 0..14: the Taylor coefficients of e^r. */
const INV_FACTORIALS = (() => {
  const c = new Float64Array(15);
  c[0] = 1;
  for (let k = 1; k < c.length; k++) c[k] = c[k - 1] / k;
  return c;
})();

/**
 * e^x for finite x in about [-700, 700]: x = k ln2 + r with integer k and |r| <= ln2/2, e^r by its
 * Taylor series to r^14 (truncation below 1e-17), then times 2^k by exact doublings.
 */
export function portableExp(x: number): number {
  const k = Math.round(x / LN_TWO);
  const r = x - k * LN_TWO;
  let p = INV_FACTORIALS[14];
  for (let i = 13; i >= 0; i--) p = p * r + INV_FACTORIALS[i];
  if (k > 0) for (let i = 0; i < k; i++) p *= 2;
  else for (let i = 0; i > k; i--) p *= 0.5;
  return p;
}
