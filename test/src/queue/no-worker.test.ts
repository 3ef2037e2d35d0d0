import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NO_WORKER_ONLINE } from "../../../src/core/messages.js";
import type { Origin } from "../../../src/core/types.js";
import { type RunningOps, startOps } from "../../../src/ops/start-ops.js";
import { type RunningWorker, startWorker } from "../../../src/runtime/start-worker.js";
import { testPng } from "../../support/images.js";
import { RecordingAdapter } from "../../support/recording-adapter.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

const origin = (userId: string): Origin => ({
  platform: "playground",
  workspaceId: "w1",
  channelId: "c1",
  userId,
});

interface Readyz {
  status: string;
  gpuWorkers?: { online: number | null; noneForAWhile: boolean; offlineSince?: number; note?: string };
}

describe("no GPU worker online: queued edits and /readyz say so", () => {
  let stack: Stack;
  let ops: RunningOps;
  let worker: RunningWorker | undefined;
  const adapter = new RecordingAdapter("playground");

  before(async () => {
    stack = await startStack({
      prefix: uniquePrefix("no-worker"),
      worker: false,
      env: { NO_WORKER_NOTICE_MS: "400", ROLE: "bot" },
    });
    stack.ctx.register(adapter);
    await stack.ctx.startDeliveries();
    ops = await startOps(stack.config, stack.redis, stack.logger, { port: 0, host: "127.0.0.1" });
    ops.watchBot({ ctx: stack.ctx, platforms: [], stop: async () => {} });
  });
  after(async () => {
    await worker?.stop();
    await ops.stop();
    await stack.close();
  });

  const readyz = async () => (await (await fetch(`http://127.0.0.1:${ops.port}/readyz`)).json()) as Readyz;
  const submit = async (userId: string) => {
    const out = await stack.ctx.service.submit({
      origin: origin(userId),
      image: { kind: "bytes", bytes: await testPng(64, 48) },
      prompt: "make it winter",
    });
    assert.ok(out.ok);
    return (await stack.ctx.records.get(out.jobId))?.job.origin.statusMessageId as string;
  };

  it("after the wait, a queued edit says no worker is online; then it runs when one comes", async () => {
    const first = await submit("ann");
    assert.match(adapter.textsFor(first).at(-1) ?? "", /Queued: you are next\.$/, "not before the wait");
    await adapter.waitFor(
      () => adapter.textsFor(first).at(-1) === `⏳ Queued: you are next. ${NO_WORKER_ONLINE}`,
      10_000,
      "the no-worker notice",
    );
    const report = await readyz();
    assert.equal(report.status, "ready", "the bot still takes edits");
    assert.deepEqual(report.gpuWorkers, {
      online: 0,
      noneForAWhile: true,
      offlineSince: report.gpuWorkers?.offlineSince,
      note: NO_WORKER_ONLINE,
    });
    // A new edit while none is online says so at once.
    const second = await submit("ben");
    assert.match(adapter.textsFor(second).at(-1) ?? "", new RegExp(`position 2\\. ${NO_WORKER_ONLINE}$`));

    worker = await startWorker(stack.config, stack.redis, stack.logger);
    await adapter.waitFor(() => adapter.results.length === 2, 30_000, "both results once a worker came");
    const deadline = Date.now() + 5000;
    while ((await readyz()).gpuWorkers?.online !== 1) {
      assert.ok(Date.now() < deadline, "/readyz sees the worker");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await readyz()).gpuWorkers?.noneForAWhile, false);
  });
});
