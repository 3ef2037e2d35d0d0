import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RfEditProcess } from "../../support/child-process.js";
import { freePort, RedisServer } from "../../support/redis-server.js";
import { uniquePrefix } from "../../support/stack.js";

const RAW = /ECONNREFUSED\s+127|\n\s+at \S+ \(|Unhandled error event/;

describe("start-up in words (issue 12, item 10)", () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("waits for Redis with one worded line, serves a waiting page, and starts when Redis comes", async () => {
    const redisPort = await freePort();
    const playgroundPort = await freePort();
    const bot = new RfEditProcess({
      ROLE: "bot",
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      KEY_PREFIX: uniquePrefix("startup"),
      PLAYGROUND_PORT: String(playgroundPort),
      SHUTDOWN_TIMEOUT_MS: "3000",
    });
    cleanup.push(() => bot.kill("SIGKILL"));
    const line = await bot.waitForLog(
      (l) => /^waiting for Redis at /.test(String(l.msg)),
      30_000,
      "the waiting line",
    );
    assert.equal(
      line.msg,
      `waiting for Redis at 127.0.0.1:${redisPort} (connection refused: nothing is listening there yet)`,
    );
    // The playground's port answers meanwhile, in words.
    let page = "";
    let status = 0;
    for (let i = 0; i < 40 && !page.includes("waiting for Redis"); i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${playgroundPort}/`);
        status = res.status;
        page = await res.text();
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    assert.equal(status, 503);
    assert.match(page, new RegExp(`waiting for Redis at 127\\.0\\.0\\.1:${redisPort}`));
    const api = await fetch(`http://127.0.0.1:${playgroundPort}/api/history`);
    assert.equal(api.status, 503);
    assert.match(((await api.json()) as { message: string }).message, /waiting for Redis/);

    const redis = await RedisServer.start(redisPort);
    cleanup.push(() => redis.stop());
    await bot.waitForLog((l) => l.msg === "bot is up", 60_000, "the bot to start once Redis answers");
    const res = await fetch(`http://127.0.0.1:${playgroundPort}/`);
    assert.equal(res.status, 200, "the real playground took the port over");
    const waits = bot.logs.filter((l) => /^waiting for Redis/.test(String(l.msg)));
    assert.ok(waits.length <= 2, `at most one line per 10 s (${waits.length})`);
    assert.doesNotMatch(bot.stderr.join(""), RAW, "no raw connection errors or stack traces");
    assert.doesNotMatch(JSON.stringify(bot.logs), /"stack"/);
    await bot.kill("SIGTERM");
  });

  it("refuses a database index the server does not have, with the server's own words", async () => {
    const redis = await RedisServer.start();
    cleanup.push(() => redis.stop());
    const p = new RfEditProcess({ ROLE: "worker", REDIS_URL: `${redis.url}/99` });
    cleanup.push(() => p.kill("SIGKILL"));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (!p.running) {
          clearInterval(t);
          resolve();
        }
      }, 100);
    });
    const err = p.stderr.join("");
    assert.match(
      err,
      new RegExp(
        `REDIS_URL: database 99 on 127\\.0\\.0\\.1:${redis.port} is refused: DB index is out of range`,
      ),
    );
    assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
  });

  it("names a malformed REDIS_URL without a stack trace", async () => {
    const p = new RfEditProcess({ REDIS_URL: "redis://127.0.0.1:6380x" });
    cleanup.push(() => p.kill("SIGKILL"));
    while (p.running) await new Promise((r) => setTimeout(r, 100));
    const err = p.stderr.join("");
    assert.match(err, /REDIS_URL \(got "redis:\/\/127\.0\.0\.1:6380x"\): the port "6380x" is not a number/);
    assert.doesNotMatch(err, /\n\s+at /);
  });
});
