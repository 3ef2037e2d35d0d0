import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectWithRetry, oneLineReason } from "../../../src/runtime/connect-with-retry.js";
import { PlatformStartError } from "../../../src/runtime/errors/platform-start-error.js";
import { captureLogger } from "../../support/log-capture.js";

describe("connectWithRetry", () => {
  it("retries transient failures with growing pauses, one line each, until it works", async () => {
    const { logger, lines } = captureLogger("info");
    let calls = 0;
    const result = await connectWithRetry({
      platform: "discord",
      what: "connect to Discord",
      logger,
      firstDelayMs: 5,
      maxDelayMs: 40,
      fatal: () => null,
      attempt: async () => {
        calls++;
        if (calls < 5) {
          const cause = Object.assign(new Error("getaddrinfo ENOTFOUND discord.com"), { code: "ENOTFOUND" });
          throw new TypeError("fetch failed", { cause });
        }
        return "connected";
      },
    });
    assert.equal(result, "connected");
    assert.equal(lines.length, 4);
    for (const line of lines) {
      assert.equal(line.msg, "could not connect to Discord; retrying");
      assert.equal(line.reason, "getaddrinfo ENOTFOUND discord.com");
      assert.equal(line.err, undefined, "no error object, so no stack trace");
    }
    const delays = lines.map((l) => Number(l.retryInMs));
    // 5, 10, 20, 40 ms, each within the ±20% jitter, capped at maxDelayMs.
    [5, 10, 20, 40].forEach((base, i) => {
      assert.ok(delays[i] >= base * 0.8 - 1 && delays[i] <= base * 1.2 + 1, `${delays[i]} vs ${base}`);
    });
  });

  it("stops at once on an error no retry can fix, with the sentence", async () => {
    const { logger, lines } = captureLogger("info");
    await assert.rejects(
      connectWithRetry({
        platform: "slack",
        what: "reach Slack",
        logger,
        fatal: () => "Slack refused SLACK_BOT_TOKEN (invalid_auth): copy it again.",
        attempt: async () => {
          throw new Error("An API error occurred: invalid_auth");
        },
      }),
      (err) =>
        err instanceof PlatformStartError && err.platform === "slack" && /invalid_auth/.test(err.message),
    );
    assert.equal(lines.length, 0);
  });

  it("reduces any error to its most telling single line", () => {
    assert.equal(oneLineReason(new Error("first line\n    at x (y.js:1:1)")), "first line");
    assert.equal(oneLineReason("plain"), "plain");
  });
});
