import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { gaussianNoise } from "../../../gpu-worker/src/rf/index.js";
import { fillStreamNoise, NoiseStream } from "../../../gpu-worker/src/rf/noise.js";
import { portableExp, portableLog } from "../../../gpu-worker/src/rf/portable-math.js";

const sha256 = (x: Float32Array) =>
  createHash("sha256")
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest("hex");

/** Standard normal CDF through erf, Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe("gaussianNoise", () => {
  it("gives the same bytes for the same seed and different bytes for different seeds", () => {
    assert.equal(sha256(gaussianNoise(10000, 5)), sha256(gaussianNoise(10000, 5)));
    assert.notEqual(sha256(gaussianNoise(10000, 5)), sha256(gaussianNoise(10000, 6)));
    assert.notEqual(sha256(gaussianNoise(10000, 0)), sha256(gaussianNoise(10000, 2 ** 32)));
    assert.notEqual(sha256(gaussianNoise(10000, 1)), sha256(gaussianNoise(10000, -1)));
    // A shorter draw is a prefix of a longer one.
    assert.deepEqual(gaussianNoise(100, 9), gaussianNoise(1000, 9).subarray(0, 100));
  });

  it("keeps its exact bits (they key the inversion cache and must match on every platform)", () => {
    const head = gaussianNoise(8, 0);
    assert.deepEqual(
      Array.from(new Uint32Array(head.buffer)),
      [0x3edf29a9, 0x3fc92a44, 0x3e10643f, 0xbfced104, 0x3de8abfe, 0xbf23cea2, 0xbea8083c, 0x3e1525f1],
    );
    // Long enough to go through the ziggurat's wedge and tail paths many times.
    assert.equal(
      sha256(gaussianNoise(65536, 12345)),
      "7c381aefd38c7a2522114182cf213f3171f26223721ee0bd3f5261cf91a6f028",
    );
  });

  it("is standard normal: moments, tail mass and the Kolmogorov-Smirnov distance", () => {
    const n = 200000;
    const z = gaussianNoise(n, 2024);
    let mean = 0;
    for (const x of z) mean += x;
    mean /= n;
    let variance = 0;
    let fourth = 0;
    let tail = 0;
    for (const x of z) {
      variance += (x - mean) ** 2;
      fourth += (x - mean) ** 4;
      if (Math.abs(x) > 3) tail++;
    }
    variance /= n;
    fourth /= n;
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.015, `variance ${variance}`);
    assert.ok(Math.abs(fourth / (variance * variance) - 3) < 0.05, `kurtosis ${fourth / variance ** 2}`);
    // P(|z| > 3) = 0.0026998; its standard error at this n is 0.000116.
    assert.ok(Math.abs(tail / n - 0.0027) < 0.0005, `tail ${tail / n}`);
    const sorted = Float64Array.from(z).sort();
    let ks = 0;
    for (let i = 0; i < n; i++) {
      const c = normalCdf(sorted[i]);
      ks = Math.max(ks, Math.abs(c - i / n), Math.abs(c - (i + 1) / n));
    }
    // The 1% critical value of the KS statistic is 1.63 / sqrt(n) = 0.0036.
    assert.ok(ks < 0.0036, `KS distance ${ks}`);
  });

  it("gives the SDE its own stream per step, never the inversion noise of the same seed", () => {
    const inversion = gaussianNoise(4096, 11);
    const step1 = new Float32Array(4096);
    const step2 = new Float32Array(4096);
    fillStreamNoise(step1, 11, NoiseStream.SDE, 1);
    fillStreamNoise(step2, 11, NoiseStream.SDE, 2);
    assert.notEqual(sha256(step1), sha256(inversion));
    assert.notEqual(sha256(step1), sha256(step2));
    const again = new Float32Array(4096);
    fillStreamNoise(again, 11, NoiseStream.SDE, 1);
    assert.deepEqual(again, step1);
  });

  it("rejects a bad length or seed", () => {
    assert.throws(() => gaussianNoise(-1, 0), { name: "RangeError", message: /length/ });
    assert.throws(() => gaussianNoise(10, 0.5), { name: "RangeError", message: /seed/ });
    assert.throws(() => gaussianNoise(10, 2 ** 60), { name: "RangeError", message: /seed/ });
  });
});

describe("portable ln and exp", () => {
  it("agree with Math.log and Math.exp to near double precision", () => {
    for (let x = 1e-300; x < 1e300; x *= 1.37) {
      const ref = Math.log(x);
      assert.ok(Math.abs(portableLog(x) - ref) <= 1e-15 * Math.max(1, Math.abs(ref)), `ln ${x}`);
    }
    for (let x = -700; x < 700; x += 0.37) {
      assert.ok(Math.abs(portableExp(x) / Math.exp(x) - 1) < 1e-13, `exp ${x}`);
    }
  });
});
