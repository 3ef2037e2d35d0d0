import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseConfig } from "../../../config/index.js";
import { startOps } from "../../../src/ops/start-ops.js";
import { NotReplicatedError } from "../../../src/queue/errors/not-replicated-error.js";
import { KeyNames } from "../../../src/queue/queue-names.js";
import { createRedis, type RedisLike } from "../../../src/queue/redis-connection.js";
import { ReplicaAck } from "../../../src/queue/replica-ack.js";
import { StatusRanks } from "../../../src/queue/status-ranks.js";
import { RedisProcess } from "../../support/redis-ha.js";
import { freePort } from "../../support/redis-server.js";
import { testLogger, uniquePrefix } from "../../support/stack.js";

const args = (port: number, dir: string) => [
  "--enable-debug-command",
  "local",
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--dir",
  dir,
];

describe("on a private master and replica: WAIT, readiness, metrics during an outage", () => {
  let dir: string;
  let master: RedisProcess;
  let replica: RedisProcess;
  let redis: RedisLike;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rf-replica-"));
    const [p0, p1] = [await freePort(), await freePort()];
    master = new RedisProcess(p0, args(p0, dir));
    replica = new RedisProcess(p1, [...args(p1, dir), "--replicaof", "127.0.0.1", String(p0)]);
    await master.start();
    await replica.start();
    for (let i = 0; i < 100; i++) {
      if (/master_link_status:up/.test(String(await replica.call("INFO", "replication")))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    redis = createRedis(`redis://127.0.0.1:${p0}`, testLogger(), "test");
  });

  after(async () => {
    redis?.disconnect();
    await replica?.kill();
    await master?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it("confirms a write once the replica has it", async () => {
    const ack = new ReplicaAck(redis, { waitMs: 1000, deadlineMs: 3000 });
    await ack.confirm("a test write", () => redis.set("k1", "v1"));
    assert.equal(await replica.call("GET", "k1"), "v1");
  });

  it("refuses to confirm, with NotReplicatedError, while the replica cannot acknowledge", async () => {
    // The replica is busy for 2 s: it cannot acknowledge anything meanwhile.
    const sleeping = replica.call("DEBUG", "SLEEP", "2");
    await new Promise((r) => setTimeout(r, 100));
    const ack = new ReplicaAck(redis, { waitMs: 300, deadlineMs: 800 });
    await assert.rejects(
      ack.confirm("a test write", () => redis.set("k2", "v2")),
      (err: Error) => err instanceof NotReplicatedError && /no replica acknowledged/.test(err.message),
    );
    await sleeping;
    assert.equal(ack.refused, 1);
  });

  it("keeps status ranks rising only", async () => {
    const ranks = new StatusRanks(redis, new KeyNames(uniquePrefix("ranks")));
    assert.equal(await ranks.claim("j1", 5), true);
    assert.equal(await ranks.claim("j1", 3), false, "an older stage is refused");
    assert.equal(await ranks.claim("j1", 5), true, "the same stage again is fine");
    await ranks.end("j1");
    assert.equal(await ranks.claim("j1", 2_000_000), false, "nothing after the end");
  });

  it("/readyz says not ready on a replica", async () => {
    const config = parseConfig({
      REDIS_URL: `redis://127.0.0.1:${replica.port}`,
      ROLE: "worker",
      LOG_LEVEL: "silent",
    });
    const onReplica = createRedis(config.redisUrl, testLogger(), "test");
    const ops = await startOps(config, onReplica, testLogger(), { port: 0, host: "127.0.0.1" });
    try {
      ops.server.setReady("worker", () => true);
      const r = await fetch(`http://127.0.0.1:${ops.port}/readyz`);
      assert.equal(r.status, 503);
      const body = (await r.json()) as { parts: Record<string, boolean>; redis: string };
      assert.equal(body.parts.redis, false);
      assert.match(body.redis, /not a writable master/);
    } finally {
      onReplica.disconnect();
      await Promise.race([ops.stop(), new Promise((r) => setTimeout(r, 2000))]);
    }
  });

  it("/metrics answers while Redis is down: last known values and rf_edit_redis_up 0", async () => {
    const config = parseConfig({
      REDIS_URL: `redis://127.0.0.1:${master.port}`,
      ROLE: "worker",
      LOG_LEVEL: "silent",
    });
    const ops = await startOps(config, redis, testLogger(), { port: 0, host: "127.0.0.1" });
    try {
      ops.server.setReady("worker", () => true);
      assert.equal((await fetch(`http://127.0.0.1:${ops.port}/readyz`)).status, 200, "ready on the master");
      const up = await (await fetch(`http://127.0.0.1:${ops.port}/metrics`)).text();
      assert.match(up, /^rf_edit_redis_up 1$/m);
      assert.match(up, /^rf_edit_queue_jobs\{queue="edit",state="wait"\} 0$/m);
      await master.kill();
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      const down = await fetch(`http://127.0.0.1:${ops.port}/metrics`);
      assert.equal(down.status, 200);
      assert.ok(Date.now() - started < 3000, "answers without waiting for Redis");
      const text = await down.text();
      assert.match(text, /^rf_edit_redis_up 0$/m);
      assert.match(text, /^rf_edit_queue_jobs\{queue="edit",state="wait"\} 0$/m, "last known values stay");
      assert.match(text, /^rf_edit_redis_failovers_total 0$/m);
      const ready = await fetch(`http://127.0.0.1:${ops.port}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(
        ((await ready.json()) as { redis: string }).redis,
        /connection refused|timed out|closed|cut/,
      );
    } finally {
      await Promise.race([ops.stop(), new Promise((r) => setTimeout(r, 2000))]);
    }
  });
});
