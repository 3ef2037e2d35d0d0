import ort from "onnxruntime-node";
import { fromFloat16Array, toFloat16Array } from "./half-float.js";
import type { WireOutput, WireTensor } from "./worker-protocol.js";

type NumericSource = Float32Array | BigInt64Array | Int32Array;

/** Integer inputs (ids) must hold whole numbers: a fractional id means a bug upstream, not data to round. */
function wholeNumbers(name: string, data: NumericSource, declared: string): number[] | bigint[] {
  if (data instanceof BigInt64Array) return Array.from(data);
  const out = Array.from(data);
  for (const v of out) {
    if (!Number.isInteger(v)) throw new Error(`input "${name}" is ${declared} but holds the fraction ${v}`);
  }
  return out;
}

function toNumbers(data: NumericSource): ArrayLike<number> {
  return data instanceof BigInt64Array ? Array.from(data, (v) => Number(v)) : data;
}

/**
 * Builds the tensor a session expects in the element type its graph declares, whatever the caller
 * computed: ids and timesteps go in as int64, int32, float32 or float16, as each export declares them
 * (Optimum's exporter writes int64 img_ids/txt_ids; its runtime casts every feed to the session's type).
 */
export function toModelTensor(name: string, wire: WireTensor, declared: string): ort.Tensor {
  const { data, dims } = wire;
  switch (declared) {
    case "float32":
      return new ort.Tensor(
        "float32",
        data instanceof Float32Array ? data : Float32Array.from(toNumbers(data)),
        dims,
      );
    case "float16":
      return new ort.Tensor("float16", toFloat16Array(toNumbers(data)), dims);
    case "int64": {
      if (data instanceof BigInt64Array) return new ort.Tensor("int64", data, dims);
      const values = wholeNumbers(name, data, declared) as number[];
      return new ort.Tensor(
        "int64",
        BigInt64Array.from(values, (v) => BigInt(v)),
        dims,
      );
    }
    case "int32": {
      if (data instanceof Int32Array) return new ort.Tensor("int32", data, dims);
      const values = wholeNumbers(name, data, declared);
      return new ort.Tensor(
        "int32",
        Int32Array.from(values as Array<number | bigint>, (v) => Number(v)),
        dims,
      );
    }
    default:
      throw new Error(`input "${name}" is ${declared}, which rf-edit cannot feed`);
  }
}

/** Any float output back to a float32 array that owns its own buffer (so it can be transferred). */
export function fromModelTensor(name: string, tensor: ort.Tensor): WireOutput {
  const dims = [...tensor.dims];
  if (tensor.type === "float16") return { data: fromFloat16Array(tensor.data as Uint16Array), dims };
  if (tensor.type === "float32") return { data: new Float32Array(tensor.data as Float32Array), dims };
  throw new Error(`output "${name}" is ${tensor.type}, expected float32 or float16`);
}
