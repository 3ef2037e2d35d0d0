import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  resolveTinyOptions,
  TINY_STAMP_FILE,
  type TinyModelOptions,
  tinyStamp,
  writeTinyModel,
} from "./write-tiny-model.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function isCurrent(dir: string, stamp: string): Promise<boolean> {
  try {
    return (await readFile(path.join(dir, TINY_STAMP_FILE), "utf8")) === stamp;
  } catch {
    return false;
  }
}

async function writeInto(target: string, options: TinyModelOptions, stamp: string): Promise<void> {
  // Written beside the target and renamed into place, so a reader never sees half a model and two
  // processes starting at once do not write into each other's files.
  const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await writeTinyModel(partial, options);
    if (!(await isCurrent(target, stamp))) await rm(target, { recursive: true, force: true });
    try {
      await rename(partial, target);
    } catch (err) {
      if (!(await isCurrent(target, stamp))) throw err;
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * The demo model's folder, written on first use: `<repo>/models/tiny/<variant>-<precision>` (gitignored),
 * or the OS temp folder when the repository is read-only. A complete folder of the current generator
 * version is reused as it is.
 */
export async function ensureTinyModel(options: TinyModelOptions = {}): Promise<string> {
  const o = resolveTinyOptions(options);
  const key = `${o.variant}-${o.precision}${o.externalData ? "-external" : ""}${o.clipInputIdsType === "int32" ? "-int32" : ""}${o.externalData && o.externalDataName !== "model.onnx_data" ? "-dotdata" : ""}`;
  const stamp = tinyStamp(o);
  const candidates = [
    path.join(REPO_ROOT, "models", "tiny", key),
    path.join(os.tmpdir(), "rf-edit-tiny-model", key),
  ];
  let lastError: unknown = null;
  for (const dir of candidates) {
    if (await isCurrent(dir, stamp)) return dir;
    try {
      await writeInto(dir, o, stamp);
      return dir;
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(
    `cannot write the tiny demo model anywhere (${candidates.join(", ")}): ${String(lastError)}`,
  );
}
