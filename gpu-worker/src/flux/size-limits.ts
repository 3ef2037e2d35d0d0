import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ModelLoadError } from "./errors/model-load-error.js";
import { EXTERNAL_DATA_NAMES } from "./external-data.js";
import { nvidiaSmiMemory } from "./gpu-memory.js";
import type { ModelFolder } from "./model-folder.js";
import { readOnnxFileInfo } from "./onnx/onnx-signature.js";

/** FLUX.1 is trained up to about 2 megapixels; beyond that it repeats and tiles subjects. */
export const FLUX_MAX_MEGAPIXELS = 2.1;

const GB = 1e9;
const fmt = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/**
 * Whether the transformer's graph computes attention with fused kernels (ONNX Runtime's Flux optimizer
 * writes MultiHeadAttention). Reads the graph only; external weights stay on disk.
 */
export async function hasFusedAttention(transformerFile: string): Promise<boolean> {
  return (await readOnnxFileInfo(transformerFile)).fusedAttention;
}

/** Bytes of a part's weights on disk: model.onnx plus its external data file, under either name. */
export async function partFileBytes(onnxFile: string): Promise<number> {
  let total = (await stat(onnxFile)).size;
  for (const name of EXTERNAL_DATA_NAMES) {
    try {
      total += (await stat(path.join(path.dirname(onnxFile), name))).size;
    } catch {
      // Not there under this name.
    }
  }
  return total;
}

export interface WorkingSizeCheck {
  targetMegapixels: number;
  folder: ModelFolder;
  transformerConfig: Record<string, unknown>;
  t5Tokens: number;
  /** The transformer runs on the GPU (else: the CPU, with the machine's memory). */
  onGpu: boolean;
  fusedAttention: boolean;
  /** For tests: the device's memory instead of asking nvidia-smi or the OS. */
  deviceBytes?: number;
}

/**
 * Refuses, at load, a working size the model cannot take: above what FLUX.1 is trained for, or (in a
 * folder without fused attention) one whose attention matrices, heads x tokens^2 x 4 bytes, do not fit
 * next to the transformer's weights. An edit would otherwise fail with an out-of-memory error at the
 * first step, long after the worker said it was ready.
 */
export async function checkWorkingSize(c: WorkingSizeCheck): Promise<void> {
  const tf = c.folder.onnxFiles.transformer;
  if (c.targetMegapixels > FLUX_MAX_MEGAPIXELS) {
    throw new ModelLoadError(
      `TARGET_MEGAPIXELS=${c.targetMegapixels} is above what FLUX.1 is trained for (about 2 megapixels; at most ${FLUX_MAX_MEGAPIXELS}). Lower it to 2 or less.`,
      tf,
    );
  }
  if (c.fusedAttention) return;
  const heads =
    typeof c.transformerConfig.num_attention_heads === "number"
      ? c.transformerConfig.num_attention_heads
      : 24;
  const imageTokens = Math.ceil((c.targetMegapixels * 1e6) / 256);
  const tokens = imageTokens + c.t5Tokens;
  const attentionBytes = heads * tokens * tokens * 4;
  const weightBytes = await partFileBytes(tf);
  const gpu = c.onGpu ? nvidiaSmiMemory()?.[0] : undefined;
  const deviceBytes = c.deviceBytes ?? (gpu ? gpu.totalBytes : os.totalmem());
  const device =
    c.deviceBytes !== undefined ? "the device" : gpu ? `the GPU (${gpu.name})` : "this machine's memory";
  if (weightBytes + attentionBytes > deviceBytes) {
    throw new ModelLoadError(
      `TARGET_MEGAPIXELS=${c.targetMegapixels} does not fit: ${tokens} tokens (${imageTokens} image + ${c.t5Tokens} text) make ` +
        `${heads} x ${tokens}^2 x 4 bytes = ${fmt(attentionBytes)} per attention matrix, on top of ${fmt(weightBytes)} of ` +
        `transformer weights, and ${device} has ${fmt(deviceBytes)}. The transformer in ${tf} has no fused attention: ` +
        "optimise the folder with `npm run models:export` (ONNX Runtime's MultiHeadAttention never builds that matrix), or lower TARGET_MEGAPIXELS.",
      tf,
    );
  }
}
