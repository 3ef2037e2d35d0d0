import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import sharp from "sharp";
import { OpsMetrics } from "../../src/ops/metrics.js";
import { OpsServer } from "../../src/ops/ops-server.js";
import { type RunningOps, startOps } from "../../src/ops/start-ops.js";
import { bullPrefix } from "../../src/queue/queue-names.js";
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

  it("signs people in with a form: a random session id in an HttpOnly, SameSite=Strict cookie", async () => {
    const page = await fetch(`${base}/admin/queues`, {
      redirect: "manual",
      headers: { accept: "text/html" },
    });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get("location"), "/admin/queues/login");
    const form = await fetch(`${base}/admin/queues/login`);
    assert.match(await form.text(), /<form method="post"/);

    const login = (token: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/admin/queues/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ token }).toString(),
      });
    assert.equal((await login("wrong")).status, 401);
    const first = await login(ADMIN_TOKEN);
    assert.equal(first.status, 303);
    assert.equal(first.headers.get("location"), "/admin/queues");
    const setCookie = first.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.doesNotMatch(setCookie, /Secure/i, "plain HTTP: a Secure cookie would never come back");
    assert.ok(!setCookie.includes(ADMIN_TOKEN), "the cookie never holds the token");
    const cookie = setCookie.split(";")[0];
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie } });
    assert.equal(api.status, 200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    assert.deepEqual(names, ["delivery", "edit"]);

    // Behind a TLS proxy the cookie is Secure.
    const tls = await login(ADMIN_TOKEN, { "x-forwarded-proto": "https" });
    assert.match(tls.headers.get("set-cookie") ?? "", /;\s*Secure/i);

    // Signing out ends the session on the server, not just in the browser.
    const out = await fetch(`${base}/admin/queues/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie },
    });
    assert.equal(out.status, 303);
    assert.equal((await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie } })).status, 401);
  });

  it("refuses ?token= on every method: a PUT with the token in the URL does not pause the queue", async () => {
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      const res = await fetch(`${base}/admin/queues/api/queues/edit/pause?token=${ADMIN_TOKEN}`, {
        method,
        redirect: "manual",
      });
      assert.equal(res.status, 401, method);
      assert.match(await res.text(), /not accepted/);
    }
    const edit = new Queue("edit", { connection: stack.redis, prefix: bullPrefix(stack.config.keyPrefix) });
    try {
      assert.equal(await edit.isPaused(), false);
    } finally {
      await edit.close();
    }
    // The header still works for scripts.
    const viaHeader = await fetch(`${base}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(viaHeader.status, 200);
  });

  it("answers malformed and forged cookies with a 401, and no stack trace anywhere", async () => {
    for (const cookie of [
      "rf_edit_admin=%E0%A4%A",
      `rf_edit_admin=${ADMIN_TOKEN}`,
      `rf_edit_admin=${"A".repeat(43)}`,
      "rf_edit_admin",
      "=;;=;rf_edit_admin==",
    ]) {
      const res = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie } });
      assert.equal(res.status, 401, cookie);
      assert.doesNotMatch(await res.text(), /at .*\.(js|ts):\d+/);
    }
    const bad = await fetch(`${base}/admin/queues/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${"x".repeat(10_000)}`,
    });
    assert.equal(bad.status, 413);
    assert.doesNotMatch(await bad.text(), /at .*\.(js|ts):\d+/);
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
