/**
 * Engine time per step of the RF-Inversion engine (gpu-worker/src/rf), excluding the velocity call,
 * on packed latents [L, 64] with L = (H/16)*(W/16). The velocity hands back a precomputed buffer and
 * the time spent inside it is subtracted, so the table shows the engine's own work: the Euler update,
 * the velocity output check and, for the SDE, drawing L*64 normals per step.
 *
 * Run: npx tsx bench/rf-engine.ts
 * Targets at 1024x1024: under 1 ms per ODE step, under 5 ms per SDE step.
 */

import { performance } from "node:perf_hooks";
import {
  edit,
  etasForStrength,
  fluxSigmas,
  gaussianNoise,
  imageSeqLen,
  invert,
  type Velocity,
} from "../gpu-worker/src/rf/index.js";

const STEPS = 28;
const REPEATS = 5;
const SIZES = [512, 1024, 2048];
const ODE_TARGET_MS = 1;
const SDE_TARGET_MS = 5;

interface Timed {
  velocity: Velocity;
  /** Milliseconds spent inside the velocity since the last reset. */
  inside(): number;
  reset(): void;
}

function fixedVelocity(length: number): Timed {
  const out = gaussianNoise(length, 7);
  let spent = 0;
  return {
    velocity: () => {
      const t0 = performance.now();
      const v = out;
      spent += performance.now() - t0;
      return v;
    },
    inside: () => spent,
    reset: () => {
      spent = 0;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median over REPEATS runs (after one warm-up run) of engine milliseconds per step. */
async function perStepMs(run: () => Promise<unknown>, timed: Timed): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    timed.reset();
    const t0 = performance.now();
    await run();
    samples.push((performance.now() - t0 - timed.inside()) / STEPS);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  let verdict = "";
  for (const size of SIZES) {
    const seqLen = imageSeqLen(size, size);
    const length = seqLen * 64;
    const sigmas = fluxSigmas(STEPS, seqLen);
    const etas = etasForStrength(0.5, STEPS);
    const y0 = gaussianNoise(length, 1);
    const noise = gaussianNoise(length, 2);
    const timed = fixedVelocity(length);
    const v = timed.velocity;

    const inv = await perStepMs(() => invert(y0, v, { sigmas, gamma: 0.5, noise }), timed);
    const ode = await perStepMs(() => edit(noise, y0, v, { sigmas, etas, sampler: "ode" }), timed);
    const sde = await perStepMs(() => edit(noise, y0, v, { sigmas, etas, sampler: "sde", seed: 3 }), timed);
    // The midpoint solver's step: two kernels and a copy of the velocity it reuses.
    const midInv = await perStepMs(
      () => invert(y0, v, { sigmas, gamma: 0.5, noise, solver: "midpoint" }),
      timed,
    );
    const midOde = await perStepMs(
      () => edit(noise, y0, v, { sigmas, etas, sampler: "ode", solver: "midpoint" }),
      timed,
    );
    rows.push([
      `${size}x${size}`,
      String(seqLen),
      String(length),
      inv.toFixed(3),
      ode.toFixed(3),
      sde.toFixed(3),
      midInv.toFixed(3),
      midOde.toFixed(3),
    ]);
    if (size === 1024) {
      const ok = ode < ODE_TARGET_MS && sde < SDE_TARGET_MS && midOde < ODE_TARGET_MS;
      verdict = `1024x1024 targets (ODE, midpoint ODE < ${ODE_TARGET_MS} ms, SDE < ${SDE_TARGET_MS} ms per step): ${ok ? "met" : "MISSED"}`;
    }
  }

  const header = [
    "image",
    "L",
    "floats",
    "invert ms/step",
    "ODE ms/step",
    "SDE ms/step",
    "midpoint invert",
    "midpoint ODE",
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join("  ");
  console.log(
    `RF engine, ${STEPS} steps, median of ${REPEATS} runs, velocity time excluded (node ${process.version})`,
  );
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log(verdict);
}

await main();
