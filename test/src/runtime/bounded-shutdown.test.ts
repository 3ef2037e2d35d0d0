import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../../../src/logger.js";
import { shutdownWithin } from "../../../src/runtime/bounded-shutdown.js";

describe("shutdownWithin: closes in order and is done by the deadline whatever hangs", () => {
  it("forces a step that hangs, only forces the ones after it, and names them", async () => {
    const order: string[] = [];
    const started = Date.now();
    const { unclosed } = await shutdownWithin(
      300,
      [
        { name: "platforms", close: async () => void order.push("platforms") },
        {
          name: "worker",
          close: () => new Promise(() => undefined),
          force: () => void order.push("force worker"),
        },
        {
          name: "redis",
          close: async () => void order.push("redis"),
          force: () => void order.push("force redis"),
        },
      ],
      createLogger({ level: "silent" }),
    );
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
    assert.deepEqual(order, ["platforms", "force worker", "force redis"]);
    assert.deepEqual(unclosed, ["worker", "redis"]);
  });

  it("names a step that fails and goes on with the next", async () => {
    const { unclosed } = await shutdownWithin(
      1000,
      [
        { name: "a", close: async () => Promise.reject(new Error("boom")) },
        { name: "b", close: async () => undefined },
      ],
      createLogger({ level: "silent" }),
    );
    assert.deepEqual(unclosed, ["a"]);
  });
});
