import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import onnxProto from "onnx-proto";
import {
  type TinyModelOptions,
  writeTinyModel,
} from "../../../gpu-worker/tools/tiny-model/write-tiny-model.js";
import { createLogger } from "../../../src/logger.js";

const { onnx } = onnxProto;

/** Logs of the model under test go nowhere, unless a test asks for them. */
export const quietLogger = createLogger({ level: "silent" });

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `rf-edit-${prefix}-`));
}

export async function tinyModelDir(options: TinyModelOptions = {}): Promise<string> {
  const dir = await tempDir("tiny");
  await writeTinyModel(dir, options);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Renames one graph input of a component's model.onnx (and its uses), as a wrongly exported model would have. */
export async function renameModelInput(
  dir: string,
  component: string,
  from: string,
  to: string,
): Promise<string> {
  const file = path.join(dir, component, "model.onnx");
  const model = onnx.ModelProto.decode(await readFile(file));
  const graph = model.graph!;
  for (const input of graph.input ?? []) if (input.name === from) input.name = to;
  for (const node of graph.node ?? []) node.input = (node.input ?? []).map((n) => (n === from ? to : n));
  await writeFile(file, onnx.ModelProto.encode(model).finish());
  return file;
}

/** Rewrites the declared size of one input axis, as a transformer from another model family would declare it. */
export async function setInputWidth(
  dir: string,
  component: string,
  input: string,
  axis: number,
  size: number,
): Promise<void> {
  const file = path.join(dir, component, "model.onnx");
  const model = onnx.ModelProto.decode(await readFile(file));
  const info = (model.graph?.input ?? []).find((i) => i.name === input);
  if (!info?.type?.tensorType?.shape?.dim) throw new Error(`${file} has no input "${input}" with a shape`);
  info.type.tensorType.shape.dim[axis] = { dimValue: size };
  await writeFile(file, onnx.ModelProto.encode(model).finish());
}
