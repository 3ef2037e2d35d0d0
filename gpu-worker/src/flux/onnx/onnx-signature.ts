import { readFile } from "node:fs/promises";
import onnxProto from "onnx-proto";
import type { ModelSignature, TensorSignature } from "../model-spec.js";

const { onnx } = onnxProto;

const TYPE_NAMES: Record<number, string> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
  16: "bfloat16",
};

export interface OnnxFileInfo extends ModelSignature {
  /** Files the weights live in besides model.onnx, relative to its folder. */
  externalDataFiles: string[];
  /** Some weights or nodes are bfloat16 (ONNX Runtime's optimizer with --float16 --bfloat16). */
  bfloat16: boolean;
  /** Attention runs in fused ops (MultiHeadAttention...), never as a tokens x tokens matrix. */
  fusedAttention: boolean;
}

const BFLOAT16 = 16;
const FUSED_ATTENTION_OPS = new Set([
  "MultiHeadAttention",
  "PackedMultiHeadAttention",
  "Attention",
  "GroupQueryAttention",
]);

function toSignature(info: onnxProto.onnx.IValueInfoProto): TensorSignature {
  const tensor = info.type?.tensorType;
  const dims = tensor?.shape?.dim ?? [];
  return {
    name: info.name ?? "",
    type: TYPE_NAMES[tensor?.elemType ?? 0] ?? "unknown",
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : "?")),
  };
}

/**
 * Reads an ONNX file's inputs, outputs and external weight files without an inference session, so a
 * folder can be checked without loading gigabytes of weights onto a device. Throws on a file that is not
 * an ONNX model.
 */
export async function readOnnxFileInfo(file: string): Promise<OnnxFileInfo> {
  const bytes = await readFile(file);
  const model = onnx.ModelProto.decode(bytes);
  if (!model.graph) throw new Error("it holds no graph");
  const initializers = new Set((model.graph.initializer ?? []).map((t) => t.name));
  const external = new Set<string>();
  for (const t of model.graph.initializer ?? []) {
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
      const location = t.externalData?.find((e) => e.key === "location")?.value;
      if (location) external.add(location);
    }
  }
  const nodes = model.graph.node ?? [];
  const bfloat16 =
    (model.graph.initializer ?? []).some((t) => t.dataType === BFLOAT16) ||
    nodes.some(
      (n) =>
        n.opType === "Cast" && (n.attribute ?? []).some((a) => a.name === "to" && Number(a.i) === BFLOAT16),
    );
  return {
    inputs: (model.graph.input ?? []).filter((i) => !initializers.has(i.name ?? "")).map(toSignature),
    outputs: (model.graph.output ?? []).map(toSignature),
    externalDataFiles: [...external],
    bfloat16,
    fusedAttention: nodes.some((n) => FUSED_ATTENTION_OPS.has(n.opType ?? "")),
  };
}
