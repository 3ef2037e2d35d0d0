/**
 * The velocity dx/dsigma at noise level sigma: Flux's raw transformer output, about
 * E[eps - x0 | x_sigma] (docs/algorithm.md, "Notation"). `x` is the engine's working buffer: read it
 * during the call, neither keep nor modify it. The result may be reused by the caller between calls.
 */
export type Velocity = (x: Float32Array, sigma: number) => Float32Array | Promise<Float32Array>;

export type Sampler = "ode" | "sde";

/**
 * How the controlled ODEs are integrated (docs/algorithm.md): "euler", one model call per step, first
 * order (the paper's Algorithms 1 and 2); "midpoint", the midpoint rule with velocity reuse, one call
 * per step plus one, second order (midpoint-kernels.ts). The SDE sampler is always Euler-Maruyama.
 */
export type Solver = "euler" | "midpoint";

/** Called after each step with k steps of n done (k = 1..n); throwing from it stops the loop. */
export type OnStep = (k: number, n: number) => void;

export interface InvertOptions {
  /** The descending denoising schedule s_0 = 1 > ... > s_N = 0; inversion walks it backwards. */
  sigmas: ArrayLike<number>;
  /** Controller strength of Eq. 8, in [0, 1]: one value, or one per inversion step k = 0..N-1. */
  gamma: number | ArrayLike<number>;
  /** The target noise y1 ~ N(0, I), same length as y0. */
  noise: Float32Array;
  /** Default "euler". */
  solver?: Solver;
  onStep?: OnStep;
}

export interface EditOptions {
  /** The descending denoising schedule s_0 = 1 > ... > s_N = 0. */
  sigmas: ArrayLike<number>;
  /** eta_i in [0, 1] for each step i = 0..N-1 (etasForStrength). */
  etas: ArrayLike<number>;
  /** Default "ode". */
  sampler?: Sampler;
  /** Drives the SDE noise; ignored by the ODE sampler. Default 0. */
  seed?: number;
  /** Integrator of the ODE sampler; default "euler". The SDE sampler takes only "euler" (Euler-Maruyama). */
  solver?: Solver;
  onStep?: OnStep;
}
