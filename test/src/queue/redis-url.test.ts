import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../../config/index.js";
import { RedisUrlError } from "../../../src/queue/errors/redis-url-error.js";
import { parseRedisUrl } from "../../../src/queue/redis-url.js";

describe("REDIS_URL: every form, and a sentence naming the variable when it is wrong", () => {
  it("reads the four forms", () => {
    assert.deepEqual(parseRedisUrl("redis://127.0.0.1:6390/2"), {
      kind: "standalone",
      hosts: [{ host: "127.0.0.1", port: 6390 }],
      tls: false,
      username: undefined,
      password: undefined,
      db: 2,
    });
    assert.equal(parseRedisUrl("rediss://cache.internal").tls, true);
    assert.equal(parseRedisUrl("rediss://cache.internal").hosts[0].port, 6379);
    const sentinel = parseRedisUrl("redis-sentinel://u:p%40ss@s1,s2:26380/queues/3");
    assert.deepEqual(sentinel.hosts, [
      { host: "s1", port: 26379 },
      { host: "s2", port: 26380 },
    ]);
    assert.equal(sentinel.masterName, "queues");
    assert.equal(sentinel.db, 3);
    assert.equal(sentinel.password, "p@ss");
    assert.equal(parseRedisUrl("redis-sentinel://s1").masterName, "mymaster");
    const cluster = parseRedisUrl("redis-cluster://:pw@n1:7000,[::1]:7001");
    assert.deepEqual(cluster.hosts, [
      { host: "n1", port: 7000 },
      { host: "::1", port: 7001 },
    ]);
    assert.equal(cluster.password, "pw");
  });

  it("names a broken port, a database on a Cluster, a second server in redis://", () => {
    assert.throws(() => parseRedisUrl("redis://127.0.0.1:6380x"), {
      name: "RedisUrlError",
      message: 'REDIS_URL (got "redis://127.0.0.1:6380x"): the port "6380x" is not a number from 1 to 65535',
    });
    assert.throws(() => parseRedisUrl("redis-cluster://n1:7000/2"), /only database 0/);
    assert.throws(() => parseRedisUrl("redis://a:1,b:2"), /one server only/);
    assert.throws(() => parseRedisUrl("redis://h/abc"), /database index "abc" is not a whole number/);
    assert.throws(() => parseRedisUrl("http://h"), RedisUrlError);
  });

  it("keeps the password out of every message", () => {
    assert.throws(
      () => parseRedisUrl("redis://:hunter2@127.0.0.1:99999"),
      (err: Error) => !err.message.includes("hunter2") && err.message.includes("***@"),
    );
    assert.throws(
      () => parseConfig({ REDIS_URL: "redis://:hunter2@127.0.0.1:6380x" }),
      (err: Error) => err instanceof ConfigError && !err.message.includes("hunter2"),
    );
  });

  it("reads as one plain line in the start-up message, with no doubled words", () => {
    assert.throws(
      () => parseConfig({ REDIS_URL: "redis://127.0.0.1:6380x", ROLE: "boss" }),
      (err: Error) =>
        err.message.includes(
          '  - REDIS_URL (got "redis://127.0.0.1:6380x"): the port "6380x" is not a number from 1 to 65535',
        ) &&
        !/must be must/.test(err.message) &&
        !err.message.includes("    at "),
    );
    assert.throws(
      () => parseConfig({ REDIS_URL: "http://x" }),
      /REDIS_URL \(got "http:\/\/x"\): must start with redis:\/\//,
    );
  });
});
