import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { startDiscord } from "../../src/platforms/discord/index.js";
import { startSlack } from "../../src/platforms/slack/index.js";
import { PlatformStartError } from "../../src/runtime/errors/platform-start-error.js";
import { FakeDiscord } from "../fakes/discord/index.js";
import { FakeSlack } from "../fakes/slack/index.js";
import { type CapturedLine, captureLogger } from "../support/log-capture.js";
import { startStack, uniquePrefix } from "../support/stack.js";

const DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkE0.discord-startup-test-token-000000000";

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function retryLines(lines: CapturedLine[], platform: string): CapturedLine[] {
  return lines.filter((l) => l.platform === platform && /retrying/.test(String(l.msg)));
}

function assertNoStackTraces(lines: CapturedLine[]): void {
  const text = JSON.stringify(lines);
  assert.doesNotMatch(text, /\\n\s+at /, "no stack trace in any log line");
  for (const l of lines) assert.equal(l.err, undefined, String(l.msg));
}

describe("platform connections at start", () => {
  it("Discord unreachable: one line per retry with the reason, then it connects when Discord is back", async () => {
    const port = await freePort();
    const { logger, lines } = captureLogger("info");
    const stack = await startStack({
      prefix: uniquePrefix("start-discord"),
      worker: false,
      logger,
      env: {
        DISCORD_TOKEN,
        DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
        DISCORD_ATTACHMENT_HOSTS: `127.0.0.1:${port}`,
      },
    });
    let fake: FakeDiscord | undefined;
    try {
      const starting = startDiscord(stack.ctx);
      await until(() => retryLines(lines, "discord").length >= 1);
      const line = retryLines(lines, "discord")[0];
      assert.equal(line.msg, "could not connect to Discord; retrying");
      assert.match(String(line.reason), /ECONNREFUSED 127\.0\.0\.1:\d+/);
      assert.equal(typeof line.retryInMs, "number");
      fake = await FakeDiscord.start({ token: DISCORD_TOKEN, port });
      const discord = await starting;
      assert.ok(lines.some((l) => l.msg === "discord bot is connected"));
      assertNoStackTraces(lines);
      await discord.stop();
    } finally {
      await fake?.close();
      await stack.close();
    }
  });

  it("a token Discord refuses stops the start with a sentence naming DISCORD_TOKEN", async () => {
    const fake = await FakeDiscord.start({ token: DISCORD_TOKEN });
    const { logger, lines } = captureLogger("info");
    const stack = await startStack({
      prefix: uniquePrefix("start-discord-bad"),
      worker: false,
      logger,
      env: { DISCORD_TOKEN: "not-the-right-token", DISCORD_API_URL: fake.apiUrl },
    });
    try {
      await assert.rejects(startDiscord(stack.ctx), (err) => {
        assert.ok(err instanceof PlatformStartError);
        assert.match(err.message, /^Discord refused DISCORD_TOKEN/);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
      assert.equal(retryLines(lines, "discord").length, 0, "a wrong token is not retried");
    } finally {
      await stack.close();
      await fake.close();
    }
  });

  it("Slack unreachable: retried with a one-line reason until Slack answers", async () => {
    const port = await freePort();
    const { logger, lines } = captureLogger("info");
    const probe = await FakeSlack.start();
    const { botToken } = probe;
    await probe.close();
    const stack = await startStack({
      prefix: uniquePrefix("start-slack"),
      worker: false,
      logger,
      env: {
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
        SLACK_PORT: "0",
      },
    });
    let fake: FakeSlack | undefined;
    try {
      const starting = startSlack(stack.ctx);
      await until(() => retryLines(lines, "slack").length >= 1);
      const line = retryLines(lines, "slack")[0];
      assert.equal(line.msg, "could not reach Slack; retrying");
      assert.match(String(line.reason), /ECONNREFUSED/);
      fake = await FakeSlack.start({ port, botToken });
      const slack = await starting;
      assert.ok(lines.some((l) => l.msg === "slack app started"));
      assertNoStackTraces(lines);
      await slack.stop();
    } finally {
      await fake?.close();
      await stack.close();
    }
  });

  it("a token Slack refuses stops the start with a sentence naming SLACK_BOT_TOKEN", async () => {
    const fake = await FakeSlack.start();
    const stack = await startStack({
      prefix: uniquePrefix("start-slack-bad"),
      worker: false,
      env: {
        SLACK_BOT_TOKEN: "xoxb-wrong",
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: fake.apiUrl,
        SLACK_PORT: "0",
      },
    });
    try {
      await assert.rejects(startSlack(stack.ctx), (err) => {
        assert.ok(err instanceof PlatformStartError);
        assert.match(err.message, /^Slack refused SLACK_BOT_TOKEN \((invalid_auth|not_authed)\)/);
        return true;
      });
    } finally {
      await stack.close();
      await fake.close();
    }
  });
});
