/**
 * The one number users turn (docs/algorithm.md, "Strength"): strength in [0, 1] maps onto the control
 * window of the controlled reverse ODE/SDE with eta fixed.
 *
 *   stop  = (1 - strength) * 0.5 * N           (real-valued)
 *   eta_i = eta              for i <  floor(stop)
 *         = eta * frac(stop) for i == floor(stop)
 *         = 0                after
 *
 * Strength 0.5 at N = 28 gives stop = 7, the peers' default window [0, 7). Because the step at
 * floor(stop) takes the fractional part, every eta_i is continuous and non-increasing in strength, so
 * neighbouring strengths (0.4, 0.5, 0.6) give different edits. Strength 1 gives all zeros (a free
 * edit); strength 0 controls the first half of the steps.
 */

/** The paper's and peers' default controller strength (docs/algorithm.md, "The two controlled ODEs"). */
export const DEFAULT_ETA = 0.9;

export function etasForStrength(strength: number, steps: number, eta: number = DEFAULT_ETA): Float64Array {
  if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
    throw new RangeError(`strength must be in [0, 1], got ${strength}`);
  }
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new RangeError(`steps must be an integer >= 1, got ${steps}`);
  }
  if (!Number.isFinite(eta) || eta < 0 || eta > 1) {
    throw new RangeError(`eta must be in [0, 1], got ${eta}`);
  }
  const stop = (1 - strength) * 0.5 * steps;
  const full = Math.floor(stop);
  const etas = new Float64Array(steps);
  for (let i = 0; i < full; i++) etas[i] = eta;
  // stop < steps always (stop <= N/2), so index `full` exists.
  etas[full] = eta * (stop - full);
  return etas;
}
