/**
 * Tables of Marsaglia and Tsang's 128-layer ziggurat for N(0, 1) ("The Ziggurat Method for Generating
 * Random Variables", J. Stat. Software 5(8), 2000), computed at load time with portable-math.ts so
 * they hold the same bits everywhere. Layer i covers |x| < X_i; a 32-bit signed draw hz in layer i is
 * accepted at once when |hz| < K[i] (the rectangle fully under the density), giving x = hz * W[i].
 */

import { portableExp, portableLog } from "./portable-math.js";

/** Right edge of the base layer, and the common area of every layer (the paper's r and v). */
export const ZIGGURAT_R = 3.442619855899;
const LAYER_AREA = 9.91256303526217e-3;
const TWO_POW_31 = 2147483648;
export const ZIGGURAT_LAYERS = 128;

/** Acceptance thresholds on |hz|. */
export const K = new Float64Array(ZIGGURAT_LAYERS);
/** Scale from hz to x. */
export const W = new Float64Array(ZIGGURAT_LAYERS);
/** Density e^(-x^2/2) at each layer's edge, for the wedge test. */
export const F = new Float64Array(ZIGGURAT_LAYERS);

(() => {
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = LAYER_AREA / portableExp(-0.5 * dn * dn);
  K[0] = (dn / q) * TWO_POW_31;
  K[1] = 0;
  W[0] = q / TWO_POW_31;
  W[ZIGGURAT_LAYERS - 1] = dn / TWO_POW_31;
  F[0] = 1;
  F[ZIGGURAT_LAYERS - 1] = portableExp(-0.5 * dn * dn);
  for (let i = ZIGGURAT_LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * portableLog(LAYER_AREA / dn + portableExp(-0.5 * dn * dn)));
    K[i + 1] = (dn / tn) * TWO_POW_31;
    tn = dn;
    F[i] = portableExp(-0.5 * dn * dn);
    W[i] = dn / TWO_POW_31;
  }
})();
