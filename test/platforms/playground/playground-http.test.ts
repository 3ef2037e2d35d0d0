import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { uploadTooLargeText } from "../../../src/core/messages.js";
import { type PlaygroundHandle, startPlayground } from "../../../src/platforms/playground/index.js";
import type { PlaygroundMessage } from "../../../src/platforms/playground/playground-message.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";
import { newSession } from "./http-client.js";

const MAX_BYTES = 4096;

describe("playground HTTP without a worker", () => {
  let stack: Stack;
  let playground: PlaygroundHandle;
  let cookie: string;

  before(async () => {
    stack = await startStack({
      prefix: uniquePrefix("pg-http"),
      worker: false,
      env: { PLAYGROUND_PORT: "0", MAX_IMAGE_BYTES: String(MAX_BYTES) },
    });
    playground = await startPlayground(stack.ctx);
    ({ cookie } = await newSession(playground.port));
  });

  after(async () => {
    await playground?.stop();
    await stack?.close();
  });

  const post = (headers: Record<string, string>, body: Uint8Array | string) =>
    fetch(`${playground.url}api/messages`, {
      method: "POST",
      headers: { cookie, "x-playground-name": "ann", ...headers },
      body,
    });

  it("refuses an upload over MAX_IMAGE_BYTES in plain words, and posts nothing", async () => {
    const res = await post(
      { "x-playground-text": encodeURIComponent("/edit snow") },
      new Uint8Array(MAX_BYTES + 1),
    );
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { ok: false, message: uploadTooLargeText(MAX_BYTES) });
    const history = (await (await fetch(`${playground.url}api/history`)).json()) as {
      messages: PlaygroundMessage[];
    };
    assert.equal(history.messages.length, 0);
  });

  it("answers a bare /edit with no picture anywhere in the thread, and keeps the history in Redis", async () => {
    const res = await post({ "x-playground-text": encodeURIComponent("/edit make it winter") }, "");
    const body = (await res.json()) as { ok: boolean; message: string; messageId: string };
    assert.equal(body.ok, false);
    assert.match(body.message, /need an image/);
    const history = (await (await fetch(`${playground.url}api/history`)).json()) as {
      messages: PlaygroundMessage[];
    };
    assert.equal(history.messages.length, 2);
    assert.equal(history.messages[1].threadId, body.messageId);
    assert.equal(history.messages[1].author.bot, true);

    // A restarted playground (same Redis, same prefix) shows the same channel.
    await playground.stop();
    playground = await startPlayground(stack.ctx);
    const again = (await (await fetch(`${playground.url}api/history`)).json()) as {
      messages: PlaygroundMessage[];
    };
    assert.deepEqual(
      again.messages.map((m) => m.id),
      history.messages.map((m) => m.id),
    );
  });

  it("refuses requests from another origin and browsers without a session", async () => {
    const cross = await post({ origin: "http://evil.example", "x-playground-text": "hi" }, "");
    assert.equal(cross.status, 403);
    const noSession = await fetch(`${playground.url}api/react`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "x", messageId: "m1", emoji: "➕" }),
    });
    assert.equal(noSession.status, 401);
    assert.match(((await noSession.json()) as { message: string }).message, /reload the page/);
  });

  it("serves only pictures it has, with their real type", async () => {
    const missing = await fetch(`${playground.url}images/${"0".repeat(64)}.png`);
    assert.equal(missing.status, 404);
    const bad = await fetch(`${playground.url}images/..%2F..%2Fetc%2Fpasswd.png`);
    assert.equal(bad.status, 404);
  });
});
