import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { OpsMetrics } from "../../src/ops/metrics.js";
import { OpsServer } from "../../src/ops/ops-server.js";
import { type RunningOps, startOps } from "../../src/ops/start-ops.js";
import { RecordingAdapter } from "../support/recording-adapter.js";
import { type Stack, startStack, testConfig, testLogger, uniquePrefix } from "../support/stack.js";

const ADMIN_TOKEN = "admin-token-for-tests-0123456789";

function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe("ops endpoints with a bot and a worker", () => {
  let stack: Stack;
  let ops: RunningOps;
  let base: string;
  const slack = new RecordingAdapter("slack");

  before(async () => {
    stack = await startStack({ prefix: uniquePrefix("ops"), env: { ADMIN_TOKEN } });
    stack.ctx.register(slack);
    ops = await startOps(stack.config, stack.redis, stack.logger, { port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${ops.port}`;
  });

  after(async () => {
    await ops?.stop();
    await stack?.close();
  });

  it("says alive at once, and ready only when Redis, the worker and the bot are up", async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const early = await fetch(`${base}/readyz`);
    assert.equal(early.status, 503);
    assert.deepEqual(((await early.json()) as { parts: unknown }).parts, {
      redis: true,
      worker: false,
      bot: false,
    });

    ops.watchWorker(stack.worker as NonNullable<Stack["worker"]>);
    await stack.ctx.startDeliveries();
    ops.watchBot({ ctx: stack.ctx, platforms: [], stop: async () => {} });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { parts: unknown }).parts, {
      redis: true,
      worker: true,
      bot: true,
    });
  });

  it("counts a job: wait, phases, transformer steps, cache, outcome, delivery by platform", async () => {
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: "#3a7" } })
      .png()
      .toBuffer();
    const outcome = await stack.ctx.service.submit({
      origin: { platform: "slack", workspaceId: "T1", channelId: "C1", userId: "U1", userName: "ann" },
      image: { kind: "bytes", bytes: png },
      prompt: "make it winter",
      strength: 0.6,
    });
    assert.ok(outcome.ok);
    await slack.waitFor(() => slack.results.length === 1, 60_000, "the result");
    // The router finishes its bookkeeping after the adapter posts; the delivery is counted after that.
    let text = "";
    const deadline = Date.now() + 10_000;
    const delivered = { platform: "slack", status: "done", outcome: "delivered" };
    while (Date.now() < deadline) {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
      text = await res.text();
      if (metricValue(text, "rf_edit_deliveries_total", delivered) === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(metricValue(text, "rf_edit_jobs_total", { outcome: "done" }), 1);
    assert.equal(metricValue(text, "rf_edit_queue_wait_seconds_count"), 1);
    assert.equal(metricValue(text, "rf_edit_job_seconds_count"), 1);
    assert.equal(metricValue(text, "rf_edit_job_phase_seconds_count", { phase: "edit" }), 1);
    assert.equal(metricValue(text, "rf_edit_job_phase_seconds_count", { phase: "invert" }), 1);
    assert.equal(metricValue(text, "rf_edit_transformer_step_seconds_count"), 1);
    // The stack's defaults: 4 steps, SDE sampler, midpoint solver: a 4-step midpoint inversion (5 calls)
    // and 4 Euler-Maruyama steps.
    assert.equal(
      metricValue(text, "rf_edit_transformer_calls_sum", { solver: "midpoint", inversion: "computed" }),
      9,
    );
    assert.equal(metricValue(text, "rf_edit_inversion_cache_lookups_total", { result: "miss" }), 1);
    assert.equal(metricValue(text, "rf_edit_inversion_cache_lookups_total", { result: "hit" }), 0);
    assert.equal(
      metricValue(text, "rf_edit_deliveries_total", {
        platform: "slack",
        status: "done",
        outcome: "delivered",
      }),
      1,
    );
    assert.equal(metricValue(text, "rf_edit_queue_jobs", { queue: "edit", state: "wait" }), 0);
    assert.ok((metricValue(text, "rf_edit_queue_jobs", { queue: "edit", state: "completed" }) ?? 0) >= 1);
  });

  it("counts refused requests by reason and platform", async () => {
    const outcome = await stack.ctx.service.submit({
      origin: { platform: "slack", workspaceId: "T1", channelId: "C1", userId: "U2" },
      image: { kind: "bytes", bytes: Buffer.from("not a picture") },
      prompt: "make it winter",
    });
    assert.equal(outcome.ok, false);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.equal(
      metricValue(text, "rf_edit_requests_refused_total", { reason: "not_an_image", platform: "slack" }),
      1,
    );
  });

  it("guards the queue dashboard with ADMIN_TOKEN: 401 without or with a wrong one", async () => {
    assert.equal((await fetch(`${base}/admin/queues`)).status, 401);
    assert.equal(
      (await fetch(`${base}/admin/queues`, { headers: { authorization: "Bearer wrong-token" } })).status,
      401,
    );
    assert.equal((await fetch(`${base}/admin/queues?token=wrong`, { redirect: "manual" })).status, 401);
    const ok = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /<html/i);
  });

  it("takes ?token= once, then a cookie, and drops the token from the address", async () => {
    const first = await fetch(`${base}/admin/queues?token=${ADMIN_TOKEN}`, { redirect: "manual" });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get("location"), "/admin/queues");
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0];
    assert.match(first.headers.get("set-cookie") ?? "", /HttpOnly/i);
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie } });
    assert.equal(api.status, 200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    assert.deepEqual(names, ["delivery", "edit"]);
  });
});

describe("ops endpoints without ADMIN_TOKEN", () => {
  it("has no dashboard (404) and is not ready before its parts register", async () => {
    const config = testConfig(uniquePrefix("ops-plain"), { ROLE: "worker" });
    const { createRedis } = await import("../../src/queue/redis-connection.js");
    const redis = createRedis(config.redisUrl, testLogger(), "test");
    const server = new OpsServer({
      config,
      redis,
      metrics: new OpsMetrics(),
      logger: testLogger(),
      parts: ["worker"],
    });
    const port = await server.listen(0, "127.0.0.1");
    try {
      assert.equal((await fetch(`http://127.0.0.1:${port}/admin/queues`)).status, 404);
      assert.equal(
        (await fetch(`http://127.0.0.1:${port}/admin/queues`, { headers: { authorization: "Bearer x" } }))
          .status,
        404,
      );
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(r.status, 503);
      assert.deepEqual(((await r.json()) as { parts: unknown }).parts, { redis: true, worker: false });
      server.setReady("worker", () => true);
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    } finally {
      await server.close();
      redis.disconnect();
    }
  });
});
