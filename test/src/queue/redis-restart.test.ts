import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Origin } from "../../../src/core/types.js";
import { testPng } from "../../support/images.js";
import { type CapturedLine, captureLogger } from "../../support/log-capture.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { RedisServer } from "../../support/redis-server.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "u1" };

/** On a private redis-server: the shared one on 6379 must never be restarted under other tests. */
describe("Redis restarted while bot and worker are idle", () => {
  const adapter = new RecordingAdapter("playground");
  let server: RedisServer;
  let stack: Stack;
  let lines: CapturedLine[];

  before(async () => {
    server = await RedisServer.start();
    const captured = captureLogger("info");
    lines = captured.lines;
    stack = await startStack({
      prefix: uniquePrefix("redisrestart"),
      env: { REDIS_URL: server.url },
      logger: captured.logger,
    });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
  });
  after(async () => {
    await stack.close();
    await server.stop();
  });

  const edit = async (prompt: string) => {
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng() },
      prompt,
    });
    assert.ok(out.ok, out.ok ? "" : out.error.userMessage);
    return out.jobId;
  };

  it("both roles reconnect and the next edit goes through", async () => {
    await edit("before the restart");
    await adapter.waitFor(() => adapter.results.length === 1, 20_000, "the first result");

    await server.stop();
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(
      lines.some(
        (l) =>
          l.msg === `waiting for Redis at 127.0.0.1:${server.port} (the connection was cut)` ||
          l.msg ===
            `waiting for Redis at 127.0.0.1:${server.port} (connection refused: nothing is listening there yet)`,
      ),
      "the outage is logged in words",
    );
    await server.start();
    const deadline = Date.now() + 20_000;
    while ((await stack.redis.ping().catch(() => "down")) !== "PONG") {
      assert.ok(Date.now() < deadline, "the bot's connection never came back");
      await new Promise((r) => setTimeout(r, 100));
    }

    // The restarted server is empty: nothing about the first job survived, yet the loop works.
    const jobId = await edit("after the restart");
    await adapter.waitFor(() => adapter.results.length === 2, 30_000, "the result after the restart");
    assert.equal(adapter.results[1].view.job.jobId, jobId);
    assert.ok(stack.worker?.worker.worker.isRunning());
    assert.ok(stack.ctx.deliveriesRunning());
  });
});
