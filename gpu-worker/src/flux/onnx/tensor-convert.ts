import ort from "onnxruntime-node";
import { fromFloat16Array, toFloat16Array } from "./half-float.js";
import type { WireOutput, WireTensor } from "./worker-protocol.js";

/** Builds the tensor a session expects from float32 or integer data, whatever type the model declares. */
export function toModelTensor(name: string, wire: WireTensor, declared: string): ort.Tensor {
  const { data, dims } = wire;
  if (data instanceof Float32Array) {
    if (declared === "float32") return new ort.Tensor("float32", data, dims);
    if (declared === "float16") return new ort.Tensor("float16", toFloat16Array(data), dims);
  } else {
    if (declared === "int64") {
      return new ort.Tensor(
        "int64",
        data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v)),
        dims,
      );
    }
    if (declared === "int32") {
      return new ort.Tensor(
        "int32",
        data instanceof Int32Array ? data : Int32Array.from(data, (v) => Number(v)),
        dims,
      );
    }
  }
  throw new Error(`input "${name}" is ${declared}, which rf-edit cannot feed`);
}

/** Any float output back to a float32 array that owns its own buffer (so it can be transferred). */
export function fromModelTensor(name: string, tensor: ort.Tensor): WireOutput {
  const dims = [...tensor.dims];
  if (tensor.type === "float16") return { data: fromFloat16Array(tensor.data as Uint16Array), dims };
  if (tensor.type === "float32") return { data: new Float32Array(tensor.data as Float32Array), dims };
  throw new Error(`output "${name}" is ${tensor.type}, expected float32 or float16`);
}
