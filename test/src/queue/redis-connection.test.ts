import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Cluster, Redis } from "ioredis";
import { createRedis, duplicateRedis, type RedisLike } from "../../../src/queue/redis-connection.js";

/** Builds the client for a URL, reads what it was given, and drops it before it gets anywhere. */
function inspect<T>(url: string, read: (client: RedisLike) => T): T {
  const client = createRedis(url, undefined, "probe");
  try {
    return read(client);
  } finally {
    client.disconnect();
  }
}

describe("createRedis: one factory for plain, TLS, Sentinel and Cluster URLs", () => {
  it("builds a plain client with BullMQ's settings from redis://", () => {
    inspect("redis://:s3cret@127.0.0.1:6390/2", (client) => {
      assert.ok(client instanceof Redis);
      const o = (client as Redis).options;
      assert.equal(o.host, "127.0.0.1");
      assert.equal(o.port, 6390);
      assert.equal(o.db, 2);
      assert.equal(o.password, "s3cret");
      assert.equal(o.maxRetriesPerRequest, null, "BullMQ needs maxRetriesPerRequest: null");
      assert.equal(o.connectionName, "rf-edit:probe");
      assert.equal(typeof o.retryStrategy, "function");
      assert.equal(o.retryStrategy?.(100), 5000, "backs off to 5 s and keeps retrying");
      assert.equal(o.tls, undefined);
    });
  });

  it("turns on TLS for rediss://", () => {
    inspect("rediss://cache.example.internal:6380", (client) => {
      const o = (client as Redis).options;
      assert.equal(o.host, "cache.example.internal");
      assert.equal(o.port, 6380);
      assert.ok(o.tls, "TLS options are set");
    });
  });

  it("asks Sentinels for the named master with redis-sentinel://", () => {
    inspect("redis-sentinel://app:p%40ss@127.0.0.1:26391,127.0.0.1:26392/queues", (client) => {
      assert.ok(client instanceof Redis);
      const o = (client as Redis).options;
      assert.deepEqual(o.sentinels, [
        { host: "127.0.0.1", port: 26391 },
        { host: "127.0.0.1", port: 26392 },
      ]);
      assert.equal(o.name, "queues");
      assert.equal(o.username, "app");
      assert.equal(o.password, "p@ss");
      assert.equal(o.maxRetriesPerRequest, null);
      assert.equal(typeof o.sentinelRetryStrategy, "function");
    });
    inspect("redis-sentinel://127.0.0.1:26393", (client) => {
      const o = (client as Redis).options;
      assert.equal(o.name, "mymaster", "the usual master name when none is given");
      assert.deepEqual(o.sentinels, [{ host: "127.0.0.1", port: 26393 }]);
      assert.ok(!o.password, "no password when the URL has none");
    });
    inspect("redis-sentinel://only-a-password@127.0.0.1:26394/m", (client) => {
      assert.equal((client as Redis).options.password, "only-a-password");
    });
  });

  it("builds a Cluster client with every start node from redis-cluster://", () => {
    inspect("redis-cluster://:pw@127.0.0.1:7101,127.0.0.1:7102,127.0.0.1", (client) => {
      assert.ok(client instanceof Cluster);
      const cluster = client as Cluster;
      // Private in the typings, but it is what the client will dial first.
      assert.deepEqual((client as unknown as { startupNodes: unknown }).startupNodes, [
        { host: "127.0.0.1", port: 7101 },
        { host: "127.0.0.1", port: 7102 },
        { host: "127.0.0.1", port: 6379 },
      ]);
      assert.equal(cluster.options.redisOptions?.maxRetriesPerRequest, null);
      assert.equal(cluster.options.redisOptions?.password, "pw");
      assert.equal(typeof cluster.options.clusterRetryStrategy, "function");
    });
  });

  it("duplicates a connection with the same settings (BullMQ's blocking and pub/sub connections)", () => {
    inspect("redis://127.0.0.1:6391", (client) => {
      const copy = duplicateRedis(client);
      try {
        assert.ok(copy instanceof Redis);
        assert.equal((copy as Redis).options.port, 6391);
        assert.equal((copy as Redis).options.maxRetriesPerRequest, null);
      } finally {
        copy.disconnect();
      }
    });
    inspect("redis-cluster://127.0.0.1:7103", (client) => {
      const copy = duplicateRedis(client);
      try {
        assert.ok(copy instanceof Cluster);
      } finally {
        copy.disconnect();
      }
    });
  });
});
