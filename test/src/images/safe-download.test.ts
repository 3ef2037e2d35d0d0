import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { DownloadError } from "../../../src/images/errors/download-error.js";
import { safeDownload } from "../../../src/images/safe-download.js";

/** A loopback file server that records what each request carried. */
async function fileServer(
  handle: (path: string, res: import("node:http").ServerResponse) => void,
): Promise<{ server: Server; port: number; seen: { path: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    handle(req.url ?? "", res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe("safeDownload's allow-list checks the port as well as the host", () => {
  let files: Awaited<ReturnType<typeof fileServer>>;
  let other: Awaited<ReturnType<typeof fileServer>>;

  before(async () => {
    other = await fileServer((_path, res) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.end("secret-service-on-another-port");
    });
    files = await fileServer((path, res) => {
      if (path === "/hop") {
        res.writeHead(302, { location: `http://127.0.0.1:${other.port}/steal` });
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "image/png" });
      res.end("png-bytes");
    });
  });

  after(async () => {
    for (const s of [files?.server, other?.server]) await new Promise((r) => s?.close(r));
  });

  const options = () => ({
    allowedHosts: [`127.0.0.1:${files.port}`],
    maxBytes: 1024,
    timeoutMs: 5000,
    headers: { authorization: "Bearer xoxb-secret" },
  });

  it("downloads from the allowed host and port", async () => {
    const bytes = await safeDownload(`http://127.0.0.1:${files.port}/a.png`, options());
    assert.equal(bytes.toString(), "png-bytes");
  });

  it("refuses a redirect to another port of an allowed host, before sending it the token", async () => {
    await assert.rejects(safeDownload(`http://127.0.0.1:${files.port}/hop`, options()), (err) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.code, "host_not_allowed");
      return true;
    });
    assert.equal(other.seen.length, 0, "the other port was never contacted");
  });

  it("refuses another port named directly, and a bare host stands for the default port only", async () => {
    await assert.rejects(safeDownload(`http://127.0.0.1:${other.port}/x`, options()), {
      code: "host_not_allowed",
    });
    await assert.rejects(
      safeDownload(`http://127.0.0.1:${files.port}/a.png`, { ...options(), allowedHosts: ["127.0.0.1"] }),
      { code: "host_not_allowed" },
    );
    await assert.rejects(
      safeDownload("https://files.slack.com:8443/x", { ...options(), allowedHosts: ["files.slack.com"] }),
      { code: "host_not_allowed" },
    );
  });
});
