import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitSize, ImageShapeError, outputSize } from "../../../src/images/index.js";

describe("fitSize", () => {
  it("keeps a 1024x1024 image at 1024x1024 by default", () => {
    assert.deepEqual(fitSize(1024, 1024), { width: 1024, height: 1024 });
  });

  it("scales to about the target area with multiples of 16 and the aspect ratio", () => {
    for (const [w, h] of [
      [4032, 3024],
      [1920, 1080],
      [333, 777],
      [6000, 800],
    ]) {
      const s = fitSize(w, h);
      assert.equal(s.width % 16, 0);
      assert.equal(s.height % 16, 0);
      assert.ok(
        Math.abs(s.width * s.height - 1024 * 1024) / (1024 * 1024) < 0.05,
        `${w}x${h} -> ${s.width}x${s.height}`,
      );
      assert.ok(Math.abs(s.width / s.height - w / h) / (w / h) < 0.05);
    }
  });

  it("scales a 1x1 up to a usable square", () => {
    assert.deepEqual(fitSize(1, 1), { width: 1024, height: 1024 });
    assert.deepEqual(fitSize(1, 1, { targetMegapixels: 0.0625 }), { width: 256, height: 256 });
  });

  it("keeps the short side at least 256 for thin images", () => {
    const s = fitSize(100, 700, { targetMegapixels: 0.0625 });
    assert.equal(s.width, 256);
    assert.equal(s.height, 1792);
  });

  it("lets a small target go below 256", () => {
    assert.deepEqual(fitSize(500, 500, { targetMegapixels: 64 / 1024 / 16 }), { width: 64, height: 64 });
  });

  it("refuses images more elongated than 8:1", () => {
    assert.throws(() => fitSize(9000, 1000), ImageShapeError);
    assert.doesNotThrow(() => fitSize(8000, 1000));
  });

  it("rejects nonsense arguments", () => {
    assert.throws(() => fitSize(0, 10), RangeError);
    assert.throws(() => fitSize(10, 10, { targetMegapixels: 0 }), RangeError);
  });
});

describe("outputSize", () => {
  it("returns small inputs at their own size", () => {
    assert.deepEqual(outputSize({ width: 1, height: 1 }, { width: 256, height: 256 }), {
      width: 1,
      height: 1,
    });
    assert.deepEqual(outputSize({ width: 640, height: 480 }, { width: 1184, height: 896 }), {
      width: 640,
      height: 480,
    });
  });

  it("returns large inputs at the working area with their exact aspect ratio", () => {
    const input = { width: 4000, height: 3000 };
    const working = fitSize(4000, 3000);
    const out = outputSize(input, working);
    assert.ok(Math.abs(out.width / out.height - 4 / 3) < 0.002);
    assert.ok(Math.abs(out.width * out.height - working.width * working.height) < out.width + out.height);
  });
});
