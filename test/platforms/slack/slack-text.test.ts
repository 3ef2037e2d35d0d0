import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeSlack, slackText } from "../../../src/platforms/slack/slack-text.js";

describe("Slack's escaping rule", () => {
  it("turns &, < and > into entities, so control sequences show as typed", () => {
    assert.equal(
      escapeSlack("<!channel> <@U123> blue & gold <https://evil.example|click me>"),
      "&lt;!channel&gt; &lt;@U123&gt; blue &amp; gold &lt;https://evil.example|click me&gt;",
    );
    assert.equal(escapeSlack("*bold* stays mrkdwn"), "*bold* stays mrkdwn");
  });

  it("never cuts in the middle of an entity", () => {
    const text = slackText(`${"a".repeat(8)}&&&&`, 12);
    // Cut at 11 plus the ellipsis, "aaaaaaaa&am" would show a broken entity as typed text.
    assert.equal(text, "aaaaaaaa…");
    assert.equal(slackText("a & b", 12), "a &amp; b");
  });
});
