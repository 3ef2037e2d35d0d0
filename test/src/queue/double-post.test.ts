import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ResultView } from "../../../src/core/platform-adapter.js";
import type { MessageRef, Origin } from "../../../src/core/types.js";
import { testPng } from "../../support/images.js";
import { captureLogger } from "../../support/log-capture.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { RedisServer } from "../../support/redis-server.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin: Origin = { platform: "playground", workspaceId: "w1", channelId: "c1", userId: "ann" };

/**
 * The platform takes the result, then the next Redis write fails (Redis full for a moment), so the
 * delivery attempt throws and BullMQ retries it. The retry must finish the job without posting the
 * picture a second time.
 */
class FaultAfterPostAdapter extends RecordingAdapter {
  faults = 1;
  constructor(private readonly stack: () => Stack) {
    super("playground");
  }

  override async postResult(o: Origin, view: ResultView): Promise<MessageRef> {
    const ref = await super.postResult(o, view);
    if (this.faults > 0) {
      this.faults--;
      const redis = this.stack().redis;
      // On the connection the bot writes its delivery marks with: the next write there meets a full
      // Redis (the cap drops under what it holds), and the one after finds room again.
      redis.config("SET", "maxmemory", String(256 * 1024)).catch(() => undefined);
      setImmediate(() => void redis.config("SET", "maxmemory", "0").catch(() => undefined));
    }
    return ref;
  }
}

describe("a delivery retried after a Redis write fault does not post twice", () => {
  let server: RedisServer;
  let stack: Stack;
  const capture = captureLogger("info");
  const adapter = new FaultAfterPostAdapter(() => stack);

  before(async () => {
    server = await RedisServer.start();
    stack = await startStack({
      prefix: uniquePrefix("double-post"),
      logger: capture.logger,
      env: { REDIS_URL: server.url },
    });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
  });
  after(async () => {
    await stack?.close();
    await server?.stop();
  });

  it("posts the result once, and the retry still finishes the record and the status", async () => {
    const out = await stack.ctx.service.submit({
      origin,
      image: { kind: "bytes", bytes: await testPng(64, 48) },
      prompt: "make it winter",
    });
    assert.ok(out.ok);
    const statusId = (await stack.ctx.records.get(out.jobId))?.job.origin.statusMessageId as string;
    await adapter.waitFor(
      () => /^✅ Done/.test(adapter.textsFor(statusId).at(-1) ?? ""),
      30_000,
      "the retried delivery to finish",
    );
    assert.equal(adapter.faults, 0, "the fault happened");
    assert.ok(
      capture.lines.some((l) => l.msg === "delivery failed; will retry"),
      "the first attempt failed after the platform took the result",
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(adapter.results.length, 1, "one picture in the thread");
    assert.equal((await stack.ctx.records.get(out.jobId))?.status, "done");
    assert.deepEqual(await stack.ctx.service.openJobsOf(origin), []);
  });
});
