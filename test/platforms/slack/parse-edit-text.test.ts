import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseEditText, parseOptionalNumber } from "../../../src/platforms/slack/parse-edit-text.js";

describe("parseEditText", () => {
  test("a trailing number is the strength", () => {
    assert.deepEqual(parseEditText("make it winter 0.7"), { prompt: "make it winter", strength: 0.7 });
    assert.deepEqual(parseEditText("make it winter .3"), { prompt: "make it winter", strength: 0.3 });
  });

  test("numbers inside the prompt stay in the prompt", () => {
    assert.deepEqual(parseEditText("add 3 cats"), { prompt: "add 3 cats" });
  });

  test("an out-of-range trailing number is passed on for the core to explain", () => {
    assert.deepEqual(parseEditText("count to 10"), { prompt: "count to", strength: 10 });
  });

  test("mentions are removed and whitespace collapsed", () => {
    assert.deepEqual(parseEditText("<@U0RFBOT001>   add a  hat\n0.4"), {
      prompt: "add a hat",
      strength: 0.4,
    });
    assert.deepEqual(parseEditText("<@U0RFBOT001|rf-edit>"), { prompt: "" });
  });

  test("a lone number is a prompt, not a strength", () => {
    assert.deepEqual(parseEditText("1984"), { prompt: "1984" });
  });
});

describe("parseOptionalNumber", () => {
  test("empty means unset; garbage becomes NaN so the core refuses it in words", () => {
    assert.equal(parseOptionalNumber(""), undefined);
    assert.equal(parseOptionalNumber(null), undefined);
    assert.equal(parseOptionalNumber(" 0.25 "), 0.25);
    assert.ok(Number.isNaN(parseOptionalNumber("lots")));
  });
});
