import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { createLogger, redactText } from "../src/logger.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).trim().split("\n"));
      cb();
    },
  });
  return { lines, stream };
}

describe("logger", () => {
  it("redacts tokens in fields, nested config and free text", () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: "info" }, stream);
    log.info(
      {
        config: {
          discord: { token: "NjA1.secret.token" },
          slack: { botToken: "xoxb-123-abc", signingSecret: "shh" },
        },
        headers: { authorization: "Bot abc.def.ghi" },
      },
      "connecting with xoxb-999-zzz and xapp-1-ABC",
    );
    log.error({ err: new Error("auth failed for xoxb-42-secret") }, "failed");
    const all = lines.join("\n");
    for (const secret of [
      "NjA1.secret.token",
      "xoxb-123-abc",
      "shh",
      "abc.def.ghi",
      "xoxb-999-zzz",
      "xapp-1-ABC",
      "xoxb-42-secret",
    ]) {
      assert.ok(!all.includes(secret), `${secret} leaked: ${all}`);
    }
    assert.match(all, /\[Redacted\]/);
    const first = JSON.parse(lines[0]);
    assert.equal(first.level, 30);
    assert.equal(first.config.discord.token, "[Redacted]");
  });

  it("masks bearer tokens in text but keeps the scheme", () => {
    assert.equal(redactText("Authorization: Bearer abcdefghijklmnop"), "Authorization: Bearer [Redacted]");
  });
});
