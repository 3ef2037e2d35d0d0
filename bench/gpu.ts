/**
 * The GPU acceptance run: `MODEL_DIR=/models/flux-dev npm run bench:gpu [-- --steps 28 --size 1024]`.
 * Loads the folder with EXECUTION_PROVIDER=cuda (strict: nothing silently runs on the CPU), runs one
 * edit at 1024x1024 and a re-run (the inversion cached), and prints per-phase times, milliseconds per
 * transformer call, the provider each session was created with, and the peak GPU memory nvidia-smi saw.
 * On a host without CUDA it stops at once and says what is missing.
 *
 * What to expect (README, "GPU hosts"): about 93 ms per FLUX.1-dev transformer call at 1024x1024 on an
 * H100 in bf16 is the floor (the arithmetic at the card's peak); published PyTorch stacks reach about
 * 0.15-0.24 s per call.
 */

import { parseArgs } from "node:util";
import sharp from "sharp";
import { editSteps } from "../config/index.js";
import { loadCliConfig } from "../gpu-worker/src/cli/load-cli-config.js";
import { editImage } from "../gpu-worker/src/flux/edit-image.js";
import { ModelLoadError } from "../gpu-worker/src/flux/errors/model-load-error.js";
import { type GpuMemory, nvidiaSmiMemory } from "../gpu-worker/src/flux/gpu-memory.js";
import { loadFluxModel } from "../gpu-worker/src/flux/load-flux-model.js";
import { cudaInstallHint, cudaProviderStatus } from "../gpu-worker/src/flux/onnx/cuda-provider.js";
import type {
  EditImageResult,
  FluxModel,
  InversionCache,
  InversionEntry,
} from "../gpu-worker/src/flux/types.js";
import { createLogger } from "../src/logger.js";

const GIB = 1024 ** 3;

class MemoryInversionCache implements InversionCache {
  private readonly entries = new Map<string, InversionEntry>();
  async get(key: string) {
    return this.entries.get(key) ?? null;
  }
  async set(key: string, entry: InversionEntry) {
    this.entries.set(key, entry);
  }
}

/** Samples nvidia-smi's memory.used while the run goes on; the peak is what the edit needed. */
class GpuMemoryWatch {
  peak: GpuMemory | null = null;
  private timer?: NodeJS.Timeout;
  start(intervalMs = 200): void {
    const sample = () => {
      const gpu = nvidiaSmiMemory()?.[0];
      if (gpu && (!this.peak || gpu.usedBytes > this.peak.usedBytes)) this.peak = gpu;
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Why this host cannot run the GPU bench, or null when it can. */
function missingCuda(): string | null {
  const status = cudaProviderStatus();
  if (!status.installed)
    return `the CUDA provider of onnxruntime-node ${status.version} is not installed: ${cudaInstallHint(status)}`;
  if (!nvidiaSmiMemory())
    return "nvidia-smi finds no NVIDIA GPU (or is not installed): this bench needs a GPU host";
  return null;
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(" | ")} |`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "28" },
      size: { type: "string", default: "1024" },
    },
  });
  const steps = Number(values.steps);
  const size = Number(values.size);
  if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(size) || size < 64 || size % 16) {
    process.stderr.write(
      "bench:gpu: --steps must be a whole number >= 1 and --size a multiple of 16 >= 64\n",
    );
    return 2;
  }
  const why = missingCuda();
  if (why) {
    process.stderr.write(`bench:gpu: no CUDA on this host, so nothing was measured: ${why}.\n`);
    return 1;
  }
  const config = loadCliConfig();
  if (!config) return 2;
  if (!config.model.dir) {
    process.stderr.write("bench:gpu: set MODEL_DIR to a FLUX.1 folder (npm run models:export makes one).\n");
    return 2;
  }

  const watch = new GpuMemoryWatch();
  watch.start();
  const logger = createLogger({ level: "warn" });
  const loadStarted = performance.now();
  let model: FluxModel;
  try {
    model = await loadFluxModel({
      dir: config.model.dir,
      executionProvider: "cuda",
      textEncoderProvider: config.model.textEncoderProvider,
      vaeProvider: config.model.vaeProvider,
      targetMegapixels: (size * size) / 1e6,
      logger,
    });
  } catch (err) {
    watch.stop();
    if (err instanceof ModelLoadError) {
      process.stderr.write(`bench:gpu: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const loadMs = performance.now() - loadStarted;
  const image = await sharp({
    create: { width: size, height: size, channels: 3, background: { r: 120, g: 150, b: 200 } },
  })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${size}" height="${size}"><circle cx="${size / 2}" cy="${size / 2}" r="${size / 4}" fill="#d94"/></svg>`,
        ),
      },
    ])
    .png()
    .toBuffer();
  const cache = new MemoryInversionCache();
  const params = {
    image,
    prompt: "a snowy winter scene",
    seed: 7,
    steps,
    gamma: config.defaults.gamma,
    eta: config.defaults.eta,
    sampler: config.defaults.sampler,
    solver: config.defaults.solver,
    inversionSteps: editSteps(config.defaults, {
      sampler: config.defaults.sampler,
      solver: config.defaults.solver,
      steps,
    }).inversionSteps,
    guidance: config.defaults.guidance,
    inversionSeed: config.defaults.inversionSeed,
    targetMegapixels: (size * size) / 1e6,
  };
  const runs: Array<[string, EditImageResult]> = [];
  try {
    runs.push(["first edit", await editImage(model, { ...params, strength: 0.5 }, { cache })]);
    runs.push(["re-run (stronger)", await editImage(model, { ...params, strength: 0.8 }, { cache })]);
  } finally {
    watch.stop();
    await model.close();
  }

  const phases = ["decode", "textEncode", "vaeEncode", "invert", "edit", "vaeDecode", "encodePng"] as const;
  const out: string[] = [];
  out.push(
    `FLUX model: ${model.info.name} (${config.model.dir}), ${size}x${size}, ${steps} steps, load ${(loadMs / 1000).toFixed(1)} s`,
  );
  out.push(
    `providers: ${Object.entries(model.info.providers ?? {})
      .map(([part, p]) => `${part} ${p}`)
      .join(", ")}`,
  );
  out.push("");
  out.push(row(["run", ...phases.map((p) => `${p} ms`), "total ms", "transformer calls", "ms per call"]));
  out.push(row(Array(phases.length + 4).fill("---:")));
  for (const [label, r] of runs) {
    const transformerMs = (r.timingsMs.invert ?? 0) + (r.timingsMs.edit ?? 0);
    out.push(
      row([
        label,
        ...phases.map((p) => Math.round(r.timingsMs[p] ?? 0)),
        Math.round(r.totalMs),
        r.transformerCalls,
        r.transformerCalls ? (transformerMs / r.transformerCalls).toFixed(1) : "-",
      ]),
    );
  }
  out.push("");
  const peak = watch.peak;
  out.push(
    peak
      ? `peak GPU memory: ${(peak.usedBytes / GIB).toFixed(2)} GiB of ${(peak.totalBytes / GIB).toFixed(2)} GiB (${peak.name}, nvidia-smi, whole card)`
      : "peak GPU memory: nvidia-smi gave no reading",
  );
  out.push(
    "reference: about 93 ms per FLUX.1-dev call at 1024x1024 on an H100 in bf16 is the floor; PyTorch stacks reach 150-240 ms",
  );
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `bench:gpu failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
