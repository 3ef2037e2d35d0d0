import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { parseConfig } from "../../config/index.js";
import { createLogger } from "../../src/logger.js";

const SECRETS = {
  DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.discord-secret-part-abcdefghijklmnopqrstu",
  SLACK_BOT_TOKEN: "xoxb-1111-2222-slackbotsecret",
  SLACK_APP_TOKEN: "xapp-1-A111-slackappsecret",
  SLACK_SIGNING_SECRET: "signing-secret-0123456789abcdef",
  ADMIN_TOKEN: "admin-token-9876543210",
  REDIS_PASSWORD: "redis-password-4242",
};

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe("logging a whole Config", () => {
  it("leaks no token, secret or Redis password, whichever way the object is logged", () => {
    const config = parseConfig({
      DISCORD_TOKEN: SECRETS.DISCORD_TOKEN,
      SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
      SLACK_APP_TOKEN: SECRETS.SLACK_APP_TOKEN,
      SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
      ADMIN_TOKEN: SECRETS.ADMIN_TOKEN,
      REDIS_URL: `redis://default:${SECRETS.REDIS_PASSWORD}@127.0.0.1:6379/0`,
    });
    const { lines, stream } = capture();
    const log = createLogger({ level: "info" }, stream);
    log.info(config, "config at top level");
    log.info({ config }, "config nested");
    log.child({ jobId: "job123" }).info({ settings: { config } }, "config deeper");
    const all = lines.join("");
    for (const [name, secret] of Object.entries(SECRETS)) {
      assert.ok(!all.includes(secret), `${name} leaked: ${all}`);
    }
    // The rest of the config is still there to read, and the job id rides along.
    const nested = JSON.parse(lines[1]);
    assert.equal(nested.config.keyPrefix, "rf-edit");
    assert.equal(nested.config.discord.token, "[Redacted]");
    assert.equal(JSON.parse(lines[2]).jobId, "job123");
  });
});
