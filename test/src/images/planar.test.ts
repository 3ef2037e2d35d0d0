import assert from "node:assert/strict";
import { describe, it } from "node:test";
import sharp from "sharp";
import { encodePng, planarToRgb, resizeRgb, rgbToPlanar } from "../../../src/images/index.js";

describe("planar conversion", () => {
  it("maps bytes to [-1, 1] planes and back exactly", () => {
    const data = Buffer.from([0, 128, 255, 10, 20, 30]);
    const planar = rgbToPlanar({ data, width: 2, height: 1 });
    assert.deepEqual(
      [...planar].map((v) => Math.round(v * 1000) / 1000),
      [-1, -0.922, 0.004, -0.843, 1, -0.765],
    );
    assert.deepEqual(planarToRgb(planar, 2, 1).data, data);
  });

  it("clips out-of-range and NaN values", () => {
    const rgb = planarToRgb(new Float32Array([2, -3, Number.NaN]), 1, 1);
    assert.deepEqual([...rgb.data], [255, 0, 0]);
  });

  it("checks the buffer length", () => {
    assert.throws(() => rgbToPlanar({ data: Buffer.alloc(5), width: 2, height: 1 }), RangeError);
    assert.throws(() => planarToRgb(new Float32Array(5), 2, 1), RangeError);
  });
});

describe("encodePng and resizeRgb", () => {
  it("encodes identical pixels to identical bytes, readable by sharp", async () => {
    const data = Buffer.alloc(16 * 8 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const a = await encodePng({ data, width: 16, height: 8 });
    const b = await encodePng({ data: Buffer.from(data), width: 16, height: 8 });
    assert.ok(a.equals(b));
    const meta = await sharp(a).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ["png", 16, 8, 3]);
    const back = await sharp(a).raw().toBuffer();
    assert.ok(back.equals(data));
  });

  it("resizes to the exact size asked for", async () => {
    const img = await resizeRgb({ data: Buffer.alloc(3, 200), width: 1, height: 1 }, 32, 16);
    assert.deepEqual([img.width, img.height, img.data.length], [32, 16, 32 * 16 * 3]);
    assert.equal(img.data[100], 200);
  });
});
