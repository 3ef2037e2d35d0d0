import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toModelTensor } from "../../../gpu-worker/src/flux/onnx/tensor-convert.js";

describe("feeds take the element type each session declares", () => {
  const ids = Float32Array.of(0, 3, 7, 0, 3, 8);

  it("float ids become int64 and int32 tensors with the same values", () => {
    const i64 = toModelTensor("img_ids", { data: ids, dims: [2, 3] }, "int64");
    assert.equal(i64.type, "int64");
    assert.deepEqual(Array.from(i64.data as BigInt64Array), [0n, 3n, 7n, 0n, 3n, 8n]);
    assert.deepEqual(i64.dims, [2, 3]);
    const i32 = toModelTensor("img_ids", { data: ids, dims: [2, 3] }, "int32");
    assert.deepEqual(Array.from(i32.data as Int32Array), [0, 3, 7, 0, 3, 8]);
  });

  it("integer data becomes float32 and float16 when a graph declares float ids", () => {
    const data = BigInt64Array.of(1n, 2n, 2048n);
    const f32 = toModelTensor("txt_ids", { data, dims: [1, 3] }, "float32");
    assert.deepEqual(Array.from(f32.data as Float32Array), [1, 2, 2048]);
    const f16 = toModelTensor("txt_ids", { data: Int32Array.of(1, 2, 2048), dims: [1, 3] }, "float16");
    // IEEE half bit patterns of 1, 2 and 2048.
    assert.deepEqual(Array.from(f16.data as Uint16Array), [0x3c00, 0x4000, 0x6800]);
  });

  it("refuses to cut a fraction into an integer input, and an element type it cannot make", () => {
    assert.throws(
      () => toModelTensor("timestep", { data: Float32Array.of(0.5), dims: [1] }, "int64"),
      /input "timestep" is int64 but holds the fraction 0\.5/,
    );
    assert.throws(
      () => toModelTensor("x", { data: ids, dims: [6] }, "bool"),
      /input "x" is bool, which rf-edit cannot feed/,
    );
  });
});
