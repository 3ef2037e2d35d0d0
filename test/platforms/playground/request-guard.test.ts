import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { describe, it } from "node:test";
import { RequestError } from "../../../src/platforms/playground/errors/request-error.js";
import { RequestGuard } from "../../../src/platforms/playground/request-guard.js";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

function status(guard: RequestGuard, headers: Record<string, string>): number {
  try {
    guard.check(req(headers));
    return 200;
  } catch (err) {
    assert.ok(err instanceof RequestError);
    return err.status;
  }
}

describe("RequestGuard", () => {
  it("answers loopback names on its own port only", () => {
    const guard = new RequestGuard("127.0.0.1", []);
    guard.listeningOn(8080);
    for (const host of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LOCALHOST:8080"]) {
      assert.equal(status(guard, { host }), 200, host);
    }
    for (const host of [
      "127.0.0.1:8081",
      "localhost",
      "evil.example:8080",
      "127.0.0.1.evil.example:8080",
      "",
    ]) {
      assert.equal(status(guard, { host }), 403, host);
    }
  });

  it("adds PLAYGROUND_HOSTS: a bare name on our port or without one (a proxy), host:port exactly", () => {
    const guard = new RequestGuard("0.0.0.0", ["studio.lan", "192.168.1.20:9000"]);
    guard.listeningOn(8080);
    assert.equal(status(guard, { host: "studio.lan:8080" }), 200);
    assert.equal(status(guard, { host: "studio.lan" }), 200);
    assert.equal(status(guard, { host: "192.168.1.20:9000" }), 200);
    assert.equal(status(guard, { host: "192.168.1.20:8080" }), 403);
    // Listening on every interface does not make every name ours.
    assert.equal(status(guard, { host: "0.0.0.0:8080" }), 403);
  });

  it("takes the address it listens on as its own", () => {
    const guard = new RequestGuard("192.168.1.20", []);
    guard.listeningOn(80);
    assert.equal(status(guard, { host: "192.168.1.20" }), 200);
    assert.equal(status(guard, { host: "192.168.1.20:80" }), 200);
  });

  it("refuses Origin: null, foreign and malformed origins, and accepts its own", () => {
    const guard = new RequestGuard("127.0.0.1", []);
    guard.listeningOn(8080);
    const host = "127.0.0.1:8080";
    assert.equal(status(guard, { host, origin: "http://127.0.0.1:8080" }), 200);
    assert.equal(status(guard, { host, origin: "null" }), 403);
    assert.equal(status(guard, { host, origin: "http://localhost:8080" }), 403);
    assert.equal(status(guard, { host, origin: "http://evil.example" }), 403);
    assert.equal(status(guard, { host, origin: "not a url" }), 403);
    assert.equal(status(guard, { host, origin: "ftp://127.0.0.1:8080" }), 403);
  });
});
