import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { discordContent, escapeDiscord } from "../../../src/platforms/discord/discord-text.js";
import { discordThreadName } from "../../../src/platforms/discord/thread-name.js";

describe("Discord's escaping rule", () => {
  it("escapes every markdown construct people type, masked links after the first included", () => {
    const out = escapeDiscord(
      "[a](https://x.example) then [click](https://evil.example) ||s|| **b** _i_ `c`",
    );
    assert.equal(
      out,
      "\\[a](https://x.example) then \\[click](https://evil.example) \\|\\|s\\|\\| \\*\\*b\\*\\* \\_i\\_ \\`c\\`",
    );
  });

  it("escapes headings and lists at line starts, and backslashes people typed", () => {
    assert.equal(escapeDiscord("# big\n- item\n1. one"), "\\# big\n\\- item\n1\\. one");
    // A typed backslash cannot unescape the bracket after it.
    assert.equal(escapeDiscord("\\[x](https://e.example)"), "\\\\\\[x](https://e.example)");
  });

  it("keeps content within 2000 characters after escaping", () => {
    const content = discordContent("*".repeat(1500));
    assert.ok([...content].length <= 2000);
  });

  it("names threads within 1-100 characters, whole graphemes only", () => {
    const name = discordThreadName("😀".repeat(200));
    assert.ok([...name].length <= 100);
    assert.ok(name.startsWith("Edit: 😀"));
    assert.doesNotMatch(name, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    assert.equal(discordThreadName("   "), "Edit");
  });
});
