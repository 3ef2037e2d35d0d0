import onnxProto from "onnx-proto";
import { toFloat16Array } from "../../src/flux/onnx/half-float.js";

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

export type ElemType = "float" | "int64" | "int32";
export type Dim = number | string;
export type Precision = "fp32" | "fp16";

type AttrValue = number | number[] | string | { ints: number[] } | { floats: number[] };

export interface SerializeOptions {
  /** File name of the external weight file next to model.onnx, or null to keep weights inside. */
  externalDataFile: string | null;
  /** Tensors at least this large (bytes) go to the external file, as onnx's save_as_external_data does. */
  externalThresholdBytes?: number;
}

export interface SerializedModel {
  model: Uint8Array;
  externalData: Uint8Array | null;
}

interface Initializer {
  name: string;
  dims: number[];
  dataType: number;
  bytes: Uint8Array;
}

function valueInfo(name: string, elemType: number, dims: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if ("ints" in value) return { name, type: A.INTS, ints: value.ints };
  return { name, type: A.FLOATS, floats: value.floats };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Builds an ONNX graph in fp32 terms. With precision fp16 the model's float inputs, outputs and weights are
 * float16, as in an fp16 export, while the arithmetic runs in float32 behind Cast nodes: the CPU provider
 * has few float16 kernels, and the tiny models must run everywhere.
 */
export class GraphBuilder {
  private readonly nodes: unknown[] = [];
  private readonly inputs: unknown[] = [];
  private readonly outputs: unknown[] = [];
  private readonly initializers: Initializer[] = [];
  private counter = 0;

  constructor(
    private readonly graphName: string,
    readonly precision: Precision,
  ) {}

  private get floatType(): number {
    return this.precision === "fp16" ? DataType.FLOAT16 : DataType.FLOAT;
  }

  private fresh(hint: string): string {
    this.counter += 1;
    return `/${hint}_${this.counter}`;
  }

  /** Declares a graph input; returns the name of the float32 (or integer) tensor to compute with. */
  input(name: string, elemType: ElemType, dims: Dim[]): string {
    if (elemType === "int64" || elemType === "int32") {
      this.inputs.push(valueInfo(name, elemType === "int64" ? DataType.INT64 : DataType.INT32, dims));
      return name;
    }
    this.inputs.push(valueInfo(name, this.floatType, dims));
    if (this.precision === "fp32") return name;
    return this.node("Cast", [name], { to: DataType.FLOAT }, "cast_in");
  }

  /** Declares a graph output fed by a float32 tensor. */
  output(name: string, source: string, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, this.floatType, dims));
    if (this.precision === "fp32") this.nodes.push({ opType: "Identity", input: [source], output: [name] });
    else
      this.nodes.push({
        opType: "Cast",
        input: [source],
        output: [name],
        attribute: [attribute("to", DataType.FLOAT16)],
      });
  }

  /** A float weight, stored in the model's precision and used as float32. */
  weight(name: string, dims: number[], values: Float32Array): string {
    if (values.length !== dims.reduce((a, b) => a * b, 1))
      throw new Error(`weight ${name}: size does not match dims`);
    if (this.precision === "fp32") {
      this.initializers.push({ name, dims, dataType: DataType.FLOAT, bytes: bytesOf(values) });
      return name;
    }
    const stored = `${name}_fp16`;
    this.initializers.push({
      name: stored,
      dims,
      dataType: DataType.FLOAT16,
      bytes: bytesOf(toFloat16Array(values)),
    });
    const out = name;
    this.nodes.push({
      opType: "Cast",
      input: [stored],
      output: [out],
      attribute: [attribute("to", DataType.FLOAT)],
    });
    return out;
  }

  /** A float32 constant used in arithmetic (not a learned weight): kept in float32 in every variant. */
  constFloat(name: string, dims: number[], values: number[]): string {
    this.initializers.push({
      name,
      dims,
      dataType: DataType.FLOAT,
      bytes: bytesOf(Float32Array.from(values)),
    });
    return name;
  }

  constInt64(name: string, dims: number[], values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType: DataType.INT64, bytes: bytesOf(data) });
    return name;
  }

  /** Adds a node and returns its (first) output name. */
  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    hint = opType.toLowerCase(),
  ): string {
    const out = this.fresh(hint);
    this.nodes.push({
      opType,
      name: out.slice(1),
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  serialize(options: SerializeOptions): SerializedModel {
    const threshold = options.externalThresholdBytes ?? 1024;
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const tensors = this.initializers.map((init) => {
      const base = { name: init.name, dims: init.dims, dataType: init.dataType };
      if (options.externalDataFile === null || init.bytes.byteLength < threshold)
        return { ...base, rawData: init.bytes };
      const entry = {
        ...base,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: options.externalDataFile },
          { key: "offset", value: String(offset) },
          { key: "length", value: String(init.bytes.byteLength) },
        ],
      };
      chunks.push(init.bytes);
      offset += init.bytes.byteLength;
      return entry;
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "rf-edit tiny-model generator",
      producerVersion: "1",
      opsetImport: [{ domain: "", version: 17 }],
      graph: {
        name: this.graphName,
        node: this.nodes as never,
        initializer: tensors as never,
        input: this.inputs as never,
        output: this.outputs as never,
      },
    });
    const encoded = onnx.ModelProto.encode(model).finish();
    let externalData: Uint8Array | null = null;
    if (options.externalDataFile !== null) {
      externalData = new Uint8Array(offset);
      let at = 0;
      for (const c of chunks) {
        externalData.set(c, at);
        at += c.byteLength;
      }
    }
    return { model: encoded, externalData };
  }
}
