import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { STORAGE_FULL } from "../../../src/core/messages.js";
import { type PlaygroundHandle, startPlayground } from "../../../src/platforms/playground/index.js";
import { testPng } from "../../support/images.js";
import { RedisServer } from "../../support/redis-server.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";
import { newSession } from "./http-client.js";

/** A private redis-server whose memory cap is reached: the playground answers 503 in words, not 500. */
describe("playground with a full Redis", () => {
  let server: RedisServer;
  let stack: Stack;
  let playground: PlaygroundHandle;
  let cookie: string;

  before(async () => {
    server = await RedisServer.start();
    stack = await startStack({
      prefix: uniquePrefix("pg-full"),
      worker: false,
      env: { PLAYGROUND_PORT: "0", REDIS_URL: server.url },
    });
    playground = await startPlayground(stack.ctx);
    await stack.ctx.startDeliveries();
    ({ cookie } = await newSession(playground.port));
  });
  after(async () => {
    await playground?.stop();
    await stack?.close();
    await server?.stop();
  });

  const post = async (text: string, body: Uint8Array | string) =>
    fetch(`${playground.url}api/messages`, {
      method: "POST",
      headers: {
        cookie,
        "x-playground-name": "ann",
        "x-playground-text": encodeURIComponent(text),
        "content-type": "image/png",
      },
      body,
    });

  it("answers an edit and a chat message with 503 and 'storage is full', and works again after", async () => {
    // The cap drops under what Redis holds: full, as after a flood of uploads.
    await stack.redis.config("SET", "maxmemory", String(256 * 1024));
    try {
      for (const [text, body] of [
        ["/edit make it winter", await testPng(64, 48)],
        ["hello", ""],
      ] as const) {
        const res = await post(text, body);
        assert.equal(res.status, 503, text);
        assert.deepEqual(await res.json(), { ok: false, message: STORAGE_FULL });
      }
    } finally {
      await stack.redis.config("SET", "maxmemory", "0");
    }
    const res = await post("/edit make it winter", await testPng(64, 48));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { ok: boolean }).ok, true);
  });
});
