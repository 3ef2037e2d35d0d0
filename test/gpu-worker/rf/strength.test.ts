import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_ETA, etasForStrength } from "../../../gpu-worker/src/rf/index.js";

describe("etasForStrength", () => {
  it("gives the peers' 7-step window at strength 0.5 and 28 steps", () => {
    const etas = etasForStrength(0.5, 28);
    assert.deepEqual(Array.from(etas), [...Array(7).fill(DEFAULT_ETA), ...Array(21).fill(0)]);
    assert.equal(DEFAULT_ETA, 0.9);
  });

  it("is all zeros at strength 1 and controls the first half at strength 0", () => {
    assert.ok(etasForStrength(1, 28).every((e) => e === 0));
    const zero = etasForStrength(0, 28, 0.7);
    assert.deepEqual(Array.from(zero), [...Array(14).fill(0.7), ...Array(14).fill(0)]);
  });

  it("gives a fractional eta at floor(stop)", () => {
    // stop = 0.6 * 0.5 * 28 = 8.4: eight full steps, then 0.4 of eta.
    const etas = etasForStrength(0.4, 28, 1);
    for (let i = 0; i < 8; i++) assert.equal(etas[i], 1);
    assert.ok(Math.abs(etas[8] - 0.4) < 1e-12);
    for (let i = 9; i < 28; i++) assert.equal(etas[i], 0);
  });

  it("is monotone and continuous in strength", () => {
    const steps = 28;
    const ds = 1e-4;
    let previous = etasForStrength(0, steps);
    for (let k = 1; k <= 10000; k++) {
      const current = etasForStrength(k * ds, steps);
      for (let i = 0; i < steps; i++) {
        assert.ok(current[i] <= previous[i], `eta_${i} grew between strengths ${(k - 1) * ds} and ${k * ds}`);
        // d eta_i / d strength is at most eta * 0.5 * N; a jump would break this bound.
        assert.ok(
          previous[i] - current[i] <= DEFAULT_ETA * 0.5 * steps * ds + 1e-9,
          `eta_${i} jumps at ${k * ds}`,
        );
      }
      previous = current;
    }
  });

  it("makes neighbouring strengths differ", () => {
    const a = etasForStrength(0.4, 28);
    const b = etasForStrength(0.5, 28);
    const c = etasForStrength(0.6, 28);
    const sum = (x: Float64Array) => x.reduce((p, q) => p + q, 0);
    assert.ok(sum(a) > sum(b) && sum(b) > sum(c));
  });

  it("rejects strengths outside [0, 1], bad steps and bad eta", () => {
    for (const bad of [-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => etasForStrength(bad, 28), {
        name: "RangeError",
        message: /strength must be in \[0, 1\]/,
      });
    }
    assert.throws(() => etasForStrength(0.5, 0), { name: "RangeError", message: /steps/ });
    assert.throws(() => etasForStrength(0.5, 28, 1.5), { name: "RangeError", message: /eta/ });
  });
});
