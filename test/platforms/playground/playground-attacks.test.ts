import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { INTAKE_BUSY } from "../../../src/core/messages.js";
import { controlId } from "../../../src/core/rerun-action.js";
import { storedSize } from "../../../src/images/encode-for-store.js";
import { type PlaygroundHandle, startPlayground } from "../../../src/platforms/playground/index.js";
import type { PlaygroundMessage } from "../../../src/platforms/playground/playground-message.js";
import {
  REACTION_BURST,
  REACTION_NOT_OFFERED,
  REACTION_TOO_FAST,
} from "../../../src/platforms/playground/reaction-policy.js";
import { testPng } from "../../support/images.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";
import { newSession, rawRequest } from "./http-client.js";

/** The attacks of issue 12 against the playground over real HTTP, and the same requests done right. */
describe("playground under attack", () => {
  let stack: Stack;
  let playground: PlaygroundHandle;
  let port: number;
  const prefix = uniquePrefix("pg-attack");

  before(async () => {
    stack = await startStack({
      prefix,
      worker: false,
      env: { PLAYGROUND_PORT: "0", INTAKE_CONCURRENCY: "1", INTAKE_QUEUE: "1" },
    });
    playground = await startPlayground(stack.ctx);
    port = playground.port;
  });

  after(async () => {
    await playground?.stop();
    await stack?.close();
  });

  const send = (cookie: string, text: string, body: Uint8Array | string = "", extra = {}) =>
    rawRequest(port, {
      method: "POST",
      path: "/api/messages",
      headers: {
        cookie,
        "x-playground-name": "ann",
        "x-playground-text": encodeURIComponent(text),
        ...extra,
      },
      body,
    });
  const json = (cookie: string, path: string, body: unknown, extra = {}) =>
    rawRequest(port, {
      method: "POST",
      path,
      headers: { cookie, "content-type": "application/json", ...extra },
      body: JSON.stringify(body),
    });
  const imageKeys = async () => (await stack.redis.keys(`${prefix}:img:*`)).length;

  it("DNS rebinding: a foreign Host gets a 403 on every path; our own names work", async () => {
    for (const path of ["/", "/api/history", "/api/info", "/api/events"]) {
      const res = await rawRequest(port, {
        path,
        headers: {
          host: `rebind.attacker.example:${port}`,
          origin: `http://rebind.attacker.example:${port}`,
        },
      });
      assert.equal(res.status, 403, path);
      assert.doesNotMatch(res.body, /"messages"/);
    }
    const { cookie } = await newSession(port);
    const post = await send(cookie, "hello", "", {
      host: `rebind.attacker.example:${port}`,
      origin: `http://rebind.attacker.example:${port}`,
    });
    assert.equal(post.status, 403);
    const wrongPort = await rawRequest(port, { path: "/api/history", headers: { host: "127.0.0.1:1" } });
    assert.equal(wrongPort.status, 403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      assert.equal((await rawRequest(port, { path: "/api/history", headers: { host } })).status, 200);
    }
  });

  it("Origin: null is a 403 with a sentence, not a 500", async () => {
    const { cookie } = await newSession(port);
    const res = await send(cookie, "hi", "", { origin: "null" });
    assert.equal(res.status, 403);
    assert.match(res.json<{ message: string }>().message, /without an origin/);
  });

  it("identity comes from the signed cookie: a spoofed user id or a forged cookie gets nowhere", async () => {
    const alice = await newSession(port);
    const mallory = await newSession(port);
    assert.notEqual(alice.userId, mallory.userId);
    assert.match(alice.cookie, /^rf_playground=/);
    const issued = await rawRequest(port, { path: "/api/info" });
    assert.match(String(issued.headers["set-cookie"]), /HttpOnly/);

    const edit = await send(alice.cookie, "/edit make it winter", await testPng(64, 48));
    const { jobId } = edit.json<{ jobId: string }>();
    assert.ok(jobId, edit.body);
    const record = await stack.ctx.records.get(jobId);
    assert.equal(record?.job.origin.userId, alice.userId);

    // Mallory names Alice in the body, as the old page's protocol allowed: ignored.
    const spoofed = await json(mallory.cookie, "/api/control", {
      user: alice.userId,
      name: "alice",
      id: controlId("cancel", jobId),
    });
    assert.equal(spoofed.json<{ ok: boolean }>().ok, false);
    assert.match(spoofed.json<{ message: string }>().message, /Only the person who asked/);

    // Cookies that this server did not sign: Alice's public id as a session, a bad signature, junk.
    const [, value] = alice.cookie.split("=");
    const [sessionId, signature] = value.split(".");
    for (const forged of [
      `rf_playground=${alice.userId}.${signature}`,
      `rf_playground=${sessionId}.${"A".repeat(43)}`,
      `rf_playground=${sessionId}`,
      "rf_playground=%%%;;=",
    ]) {
      const res = await json(forged, "/api/control", { id: controlId("cancel", jobId) });
      assert.equal(res.status, 401, forged);
    }
    assert.equal((await stack.ctx.records.get(jobId))?.status, "queued");

    const own = await json(alice.cookie, "/api/control", { id: controlId("cancel", jobId) });
    assert.equal(own.json<{ ok: boolean }>().ok, true, own.body);
  });

  it("reaction flood: only offered emoji, at a human pace, sent to tabs as small deltas", async () => {
    const { cookie, userId } = await newSession(port);
    const posted = await send(cookie, "react to me");
    const { messageId } = posted.json<{ messageId: string }>();

    // An SSE client, counting what it receives.
    let received = 0;
    const frames: string[] = [];
    const events = request({ host: "127.0.0.1", port, path: "/api/events" });
    const closed = new Promise<void>((resolve) => events.on("close", resolve));
    events.on("response", (res) =>
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        frames.push(chunk.toString("utf8"));
      }),
    );
    events.on("error", () => {});
    events.end();
    await new Promise((r) => setTimeout(r, 100));

    const huge = await json(cookie, "/api/react", { messageId, emoji: "x".repeat(60_000) });
    assert.equal(huge.status, 400);
    assert.equal(huge.json<{ message: string }>().message, REACTION_NOT_OFFERED);

    const statuses: number[] = [];
    for (let i = 0; i < REACTION_BURST + 10; i++) {
      const res = await json(cookie, "/api/react", { messageId, emoji: i % 2 ? "👍" : "🎉" });
      statuses.push(res.status);
      if (res.status === 429) assert.equal(res.json<{ message: string }>().message, REACTION_TOO_FAST);
    }
    assert.equal(statuses.filter((s) => s === 200).length, REACTION_BURST);
    assert.ok(statuses.filter((s) => s === 429).length >= 9, statuses.join(","));

    await new Promise((r) => setTimeout(r, 200));
    events.destroy();
    await closed;
    const deltas = frames
      .join("")
      .split("\n\n")
      .filter((f) => f.startsWith("event: reaction"));
    assert.equal(deltas.length, REACTION_BURST);
    const first = JSON.parse(deltas[0].split("data: ")[1]) as Record<string, unknown>;
    assert.deepEqual(first, { messageId, emoji: "🎉", userId, added: true });
    assert.ok(received < 4096, `the SSE client got ${received} bytes for ${REACTION_BURST} reactions`);

    const history = (await rawRequest(port, { path: "/api/history" })).json<{
      messages: PlaygroundMessage[];
    }>();
    const message = history.messages.find((m) => m.id === messageId);
    assert.ok(JSON.stringify(message).length < 2048);
  });

  it("a tab that stops reading its events is dropped, not buffered for without end", async () => {
    const { cookie } = await newSession(port);
    // A reader that takes the headers and then stops reading.
    const stalled = request({ host: "127.0.0.1", port, path: "/api/events" });
    const response = new Promise<import("node:http").IncomingMessage>((resolve) =>
      stalled.on("response", resolve),
    );
    stalled.on("error", () => {});
    stalled.end();
    const res = await response;
    res.pause();
    // 17 MB of events (14 KB messages: the text rides in a header, which Node caps at 16 KB): more
    // than loopback's socket buffers take, and then the server's 1 MB allowance.
    const text = "x".repeat(14_000);
    const posts = 1200;
    for (let i = 0; i < posts; i++) await send(cookie, text);
    // Reading again, the tab gets what was in flight, then the end: the server let it go.
    let received = 0;
    const ended = new Promise<boolean>((resolve) => {
      res.on("data", (c: Buffer) => {
        received += c.length;
      });
      res.on("close", () => resolve(true));
      setTimeout(() => resolve(false), 20_000);
    });
    res.resume();
    assert.equal(await ended, true, "the server closed the stalled event stream");
    assert.ok(received < posts * text.length, `${received} bytes reached the stalled tab`);
  });

  it("junk with image magic is never stored, even as a plain chat message", async () => {
    const { cookie } = await newSession(port);
    const before = await imageKeys();
    const magic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const res = await send(cookie, "look at this", Buffer.concat([magic, randomBytes(200_000)]), {
      "x-playground-filename": "cat.png",
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(await imageKeys(), before);
    const history = (await rawRequest(port, { path: "/api/history" })).json<{
      messages: PlaygroundMessage[];
    }>();
    const mine = history.messages.findLast((m) => !m.author.bot);
    assert.equal(mine?.image, undefined);
    assert.match(mine?.text ?? "", /^look at this\n📎 cat\.png$/);
  });

  it("a real picture is stored once, normalised at the working size, and served", async () => {
    const { cookie } = await newSession(port);
    const res = await send(cookie, "a picture", await testPng(1200, 900));
    assert.equal(res.status, 200, res.body);
    const history = (await rawRequest(port, { path: "/api/history" })).json<{
      messages: PlaygroundMessage[];
    }>();
    const sha = history.messages.findLast((m) => !m.author.bot)?.image?.sha;
    assert.ok(sha);
    const stored = await stack.ctx.images.get(sha);
    assert.ok(stored);
    const sharp = (await import("sharp")).default;
    const meta = await sharp(stored).metadata();
    // The size the worker works at for testConfig's TARGET_MEGAPIXELS, not the 1200x900 upload.
    const size = storedSize(1200, 900, stack.config.limits.targetMegapixels);
    assert.deepEqual([meta.width, meta.height], [size.width, size.height]);
    assert.ok(size.width < 1200);
    assert.ok(meta.format === "webp" || meta.format === "png");
    const served = await rawRequest(port, { path: `/images/${sha}.png` });
    assert.equal(served.status, 200);
    assert.equal(served.headers["content-type"], `image/${meta.format}`);
  });

  it("a burst past INTAKE_CONCURRENCY + INTAKE_QUEUE is told to try again, and nothing is posted for it", async () => {
    const { cookie } = await newSession(port);
    const picture = await testPng(320, 240);
    // Two uploads that hold the one slot and the one wait place: their bodies arrive slowly.
    const slow = [0, 1].map(() => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/messages",
        headers: {
          cookie,
          "content-length": String(picture.length),
          "x-playground-text": encodeURIComponent("slow"),
        },
      });
      const done = new Promise<number>((resolve, reject) => {
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
      });
      req.write(picture.subarray(0, 100));
      return { req, done };
    });
    await new Promise((r) => setTimeout(r, 150));
    const before = (await rawRequest(port, { path: "/api/history" })).json<{ messages: unknown[] }>().messages
      .length;
    const busy = await send(cookie, "one too many", picture);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers["retry-after"], "5");
    assert.equal(busy.json<{ message: string }>().message, INTAKE_BUSY);
    const afterBusy = (await rawRequest(port, { path: "/api/history" })).json<{ messages: unknown[] }>()
      .messages.length;
    assert.equal(afterBusy, before);
    for (const s of slow) s.req.end(picture.subarray(100));
    assert.deepEqual(await Promise.all(slow.map((s) => s.done)), [200, 200]);
  });
});
