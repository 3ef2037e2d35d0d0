import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMs, formatSummary } from "../../../gpu-worker/src/cli/format-summary.js";
import { ProgressBar } from "../../../gpu-worker/src/cli/progress-bar.js";
import type { EditImageResult } from "../../../gpu-worker/src/flux/types.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe("ProgressBar", () => {
  it("redraws one line in place on a terminal", () => {
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar(stream, 10);
    bar.update({ phase: "inverting", step: 0, total: 4 });
    bar.update({ phase: "inverting", step: 2, total: 4 });
    bar.done();
    assert.equal(writes[1], "\r\x1b[2Kinverting [#####-----] 2/4");
    assert.ok(writes.every((w) => !w.includes("\n")));
    assert.equal(writes.at(-1), "\r\x1b[2K");
  });

  it("writes plain lines elsewhere, one per step", () => {
    const { stream, writes } = fakeStream(false);
    const bar = new ProgressBar(stream);
    for (const u of [
      { phase: "preparing", step: 0, total: 1 },
      { phase: "editing", step: 0, total: 2 },
      { phase: "editing", step: 1, total: 2 },
      { phase: "editing", step: 2, total: 2 },
      { phase: "finishing", step: 0, total: 1 },
      { phase: "finishing", step: 1, total: 1 },
    ] as const) {
      bar.update(u);
    }
    bar.done();
    assert.deepEqual(writes, ["preparing\n", "editing 1/2\n", "editing 2/2\n", "finishing\n"]);
  });
});

describe("formatSummary", () => {
  it("names the size, steps and time per phase on one line", () => {
    const result = {
      png: Buffer.alloc(0),
      width: 640,
      height: 480,
      timingsMs: { decode: 12.4, invert: 5120, edit: 4990, encodePng: 31 },
      totalMs: 10_300,
      transformerCalls: 56,
      inversionCached: false,
      model: { name: "FLUX.1-dev", executionProvider: "cuda" },
    } as unknown as EditImageResult;
    const line = formatSummary(result, {
      steps: 28,
      inversionSteps: 28,
      strength: 0.5,
      seed: 7,
      sampler: "sde",
      solver: "euler",
      out: "o.png",
      loadMs: 900,
    });
    assert.equal(
      line,
      "640x480 PNG -> o.png: 28+28 steps, 56 transformer calls, strength 0.5, seed 7, sde (euler inversion), FLUX.1-dev on cuda; " +
        "load 900 ms, decode 12 ms, invert 5.1 s, edit 5.0 s, png 31 ms; total 10.3 s",
    );
    assert.ok(!line.includes("\n"));
    assert.equal(formatMs(999.6), "1.0 s");
  });
});
