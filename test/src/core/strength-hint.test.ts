import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resultCaption, submittedText } from "../../../src/core/messages.js";
import { trailingNumberHint } from "../../../src/core/strength-hint.js";
import type { EditResultData, EditSpec } from "../../../src/queue/job-schemas.js";

describe("trailing whole number: stays in the prompt, and the reply says how strength is set", () => {
  it("hints for 2-10 at the end, with the person's own prompt and the number as tenths", () => {
    const hint = trailingNumberHint("make it winter 5");
    assert.ok(hint);
    assert.match(hint, /"5" stays in the prompt/);
    assert.match(hint, /strength is 0-1, e\.g\. `\/edit make it winter 0\.5`/);
    assert.match(hint, /react 1️⃣-🔟 on a result for 0\.1-1\.0/);
    assert.match(trailingNumberHint("make it winter 10") ?? "", /winter 1\.0/);
    assert.match(trailingNumberHint("sunset 2!") ?? "", /sunset 0\.2/);
  });

  it("says nothing for 0, 1, 11 and more, decimals, or numbers inside the prompt", () => {
    for (const prompt of [
      "make it winter 1",
      "make it winter 0",
      "a team of 11",
      "add 2 cats",
      "winter 0.5",
      "1999",
    ]) {
      assert.equal(trailingNumberHint(prompt), null, prompt);
    }
  });

  it("reaches the status line and the result caption on every platform (core wording)", () => {
    const spec = { prompt: "make it night 7", strength: 0.5, seed: 1, sampler: "sde", steps: 28 } as EditSpec;
    assert.match(submittedText(spec, "new"), /strength is 0-1/);
    assert.doesNotMatch(submittedText(spec, "rerun"), /strength is 0-1/);
    const result = {
      totalMs: 1200,
      inversionCached: false,
      isDemo: true,
      modelName: "demo",
    } as EditResultData;
    assert.match(resultCaption(spec, result), /`\/edit make it night 0\.7`/);
    assert.match(resultCaption(spec, result), /demo model recolours by prompt words/);
    assert.match(resultCaption(spec, result), /connect a Flux model/);
  });
});
