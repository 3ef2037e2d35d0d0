import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inversionKey, sha256Hex } from "../../../gpu-worker/src/flux/inversion-key.js";
import { latentImageIds } from "../../../gpu-worker/src/flux/latent-ids.js";
import { packLatents, unpackLatents } from "../../../gpu-worker/src/flux/packing.js";

function ramp(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = i * 0.5 - 7;
  return a;
}

describe("packLatents", () => {
  it("puts (ch, y, x) at token (y/2)*(w/2)+(x/2), channel ch*4+(y%2)*2+(x%2)", () => {
    const h = 4;
    const w = 6;
    const latent = ramp(16 * h * w);
    const packed = packLatents(latent, h, w);
    assert.equal(packed.length, (h / 2) * (w / 2) * 64);
    for (let ch = 0; ch < 16; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const token = (y >> 1) * (w / 2) + (x >> 1);
          const channel = ch * 4 + (y % 2) * 2 + (x % 2);
          assert.equal(packed[token * 64 + channel], latent[ch * h * w + y * w + x]);
        }
      }
    }
  });

  it("is undone exactly by unpackLatents, both ways", () => {
    for (const [h, w] of [
      [2, 2],
      [8, 4],
      [6, 10],
    ]) {
      const latent = ramp(16 * h * w);
      assert.deepEqual(unpackLatents(packLatents(latent, h, w), h, w), latent);
      const packed = ramp(16 * h * w).reverse();
      assert.deepEqual(packLatents(unpackLatents(packed, h, w), h, w), packed);
    }
  });

  it("rejects odd sizes and wrong lengths", () => {
    assert.throws(() => packLatents(new Float32Array(16 * 3 * 2), 3, 2), RangeError);
    assert.throws(() => packLatents(new Float32Array(10), 2, 2), RangeError);
    assert.throws(() => unpackLatents(new Float32Array(10), 2, 2), RangeError);
  });
});

describe("latentImageIds", () => {
  it("gives rows [0, r, c] in token order", () => {
    const ids = latentImageIds(48, 32); // 2 rows x 3 columns of tokens
    assert.deepEqual([...ids], [0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2]);
    assert.throws(() => latentImageIds(40, 32), RangeError);
  });
});

describe("inversionKey", () => {
  const base = {
    imageSha256: sha256Hex(new Uint8Array([1, 2, 3])),
    width: 512,
    height: 512,
    steps: 28,
    solver: "euler",
    gamma: 0.5,
    inversionSeed: 0,
    modelId: "flux-dev-abc",
  };

  it("is stable and changes with every part", () => {
    assert.equal(inversionKey(base), inversionKey({ ...base }));
    assert.match(inversionKey(base), /^inv:v3:[0-9a-f]{64}$/);
    const variants = [
      { imageSha256: sha256Hex(new Uint8Array([1, 2, 4])) },
      { width: 528 },
      { height: 496 },
      { steps: 27 },
      { solver: "midpoint" },
      { gamma: 0.6 },
      { inversionSeed: 1 },
      { modelId: "flux-schnell-abc" },
    ];
    const keys = new Set([inversionKey(base), ...variants.map((v) => inversionKey({ ...base, ...v }))]);
    assert.equal(keys.size, variants.length + 1);
  });
});
