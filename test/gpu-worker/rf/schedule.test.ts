import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEV_SCHEDULE,
  fluxSigmas,
  imageSeqLen,
  SCHNELL_SCHEDULE,
  scheduleSigmas,
  shiftMu,
} from "../../../gpu-worker/src/rf/index.js";

describe("imageSeqLen", () => {
  it("counts one token per 16x16 patch", () => {
    assert.equal(imageSeqLen(1024, 1024), 4096);
    assert.equal(imageSeqLen(512, 512), 1024);
    assert.equal(imageSeqLen(1216, 832), 76 * 52);
  });

  it("rejects sizes that are not positive multiples of 16", () => {
    assert.throws(() => imageSeqLen(1000, 1024), { name: "RangeError", message: /width.*multiple of 16/ });
    assert.throws(() => imageSeqLen(1024, 0), { name: "RangeError", message: /height/ });
    assert.throws(() => imageSeqLen(Number.NaN, 1024), RangeError);
  });
});

describe("fluxSigmas", () => {
  it("matches the published values at N = 28, 1024x1024", () => {
    const s = fluxSigmas(28, imageSeqLen(1024, 1024));
    assert.equal(s.length, 29);
    assert.equal(s[0], 1);
    assert.equal(s[28], 0);
    assert.equal(s[1].toFixed(5), "0.98841");
    assert.equal(s[27].toFixed(5), "0.10472");
  });

  it("shifts mu linearly from 0.5 at 256 tokens to 1.15 at 4096", () => {
    assert.equal(shiftMu(256), 0.5);
    assert.ok(Math.abs(shiftMu(4096) - 1.15) < 1e-15);
    assert.ok(Math.abs(shiftMu(1024) - (0.5 + (768 * 0.65) / 3840)) < 1e-15);
  });

  it("applies the shift formula s_i = e^mu / (e^mu + 1/t_i - 1) and descends strictly", () => {
    const n = 10;
    const s = fluxSigmas(n, 1024);
    const e = Math.exp(shiftMu(1024));
    for (let i = 0; i < n; i++) {
      const t = 1 - i / n;
      assert.ok(Math.abs(s[i] - e / (e + 1 / t - 1)) < 1e-12, `s_${i}`);
      assert.ok(s[i + 1] < s[i]);
    }
  });

  it("rejects fewer than one step and a bad token count", () => {
    assert.throws(() => fluxSigmas(0, 4096), { name: "RangeError", message: /steps/ });
    assert.throws(() => fluxSigmas(2.5, 4096), RangeError);
    assert.throws(() => fluxSigmas(28, 0), { name: "RangeError", message: /seqLen/ });
  });
});

describe("scheduleSigmas (the folder's scheduler config)", () => {
  it("is fluxSigmas for FLUX.1-dev's config and the linear schedule for schnell's", () => {
    assert.deepEqual(scheduleSigmas(28, 4096, DEV_SCHEDULE), fluxSigmas(28, 4096));
    const linear = scheduleSigmas(4, 4096, SCHNELL_SCHEDULE);
    assert.deepEqual(Array.from(linear), [1, 0.75, 0.5, 0.25, 0]);
  });

  it("moves mu with the config's anchors and refuses a non-positive shift", () => {
    const wider = { ...DEV_SCHEDULE, maxShift: 2 };
    assert.ok(Math.abs(shiftMu(4096, wider) - 2) < 1e-15);
    assert.ok(scheduleSigmas(10, 4096, wider)[5] > fluxSigmas(10, 4096)[5]);
    assert.throws(
      () => scheduleSigmas(10, 4096, { ...SCHNELL_SCHEDULE, shift: 0 }),
      /shift must be a positive number/,
    );
  });
});
