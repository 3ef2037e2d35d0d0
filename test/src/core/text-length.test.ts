import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { charLength, clipText, isBlank, oneLine } from "../../../src/core/text-length.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("text lengths and cuts as the platforms count them", () => {
  it("counts an emoji as one character, not two UTF-16 units", () => {
    assert.equal(charLength("😀".repeat(600)), 600);
    assert.equal("😀".repeat(600).length, 1200);
    assert.equal(charLength("雪の街"), 3);
  });

  it("cuts between graphemes, never inside a surrogate pair or a ZWJ sequence", () => {
    const emoji = clipText("😀".repeat(100), 80);
    assert.equal(charLength(emoji), 80);
    assert.ok(emoji.endsWith("😀…"));
    assert.doesNotMatch(emoji, LONE_SURROGATE);

    const family = "👨‍👩‍👧‍👦"; // 7 code points, one grapheme
    const cut = clipText(`${"a".repeat(75)}${family}${family}`, 80);
    assert.equal(cut, `${"a".repeat(75)}…`, "the family is dropped whole, not split");
    assert.ok(charLength(cut) <= 80);
  });

  it("leaves text within the limit untouched and keeps the ellipsis inside the limit", () => {
    assert.equal(clipText("short", 80), "short");
    assert.equal(clipText("abcdef", 4), "abc…");
    assert.equal(clipText("abcdef", 1), "…");
    assert.equal(clipText("abcdef", 0), "");
  });

  it("cuts a single grapheme longer than the room between its code points", () => {
    const zalgo = `a${"\u0301".repeat(500)}`;
    const cut = clipText(zalgo, 10);
    assert.equal(charLength(cut), 10);
  });

  it("puts text on one line and knows blank text of any script", () => {
    assert.equal(oneLine("  make\n it\t winter  "), "make it winter");
    assert.equal(isBlank(" \u3000\t\u200b\n"), true);
    assert.equal(isBlank(" a "), false);
    assert.equal(isBlank("雪"), false);
  });
});
