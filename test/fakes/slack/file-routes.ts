import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { CallRecorder } from "./call-recorder.js";
import { flattenHeaders, readRequest } from "./http-body.js";
import type { DownloadRecord } from "./types.js";
import type { PendingUpload } from "./web-api-methods.js";
import type { WorkspaceState } from "./workspace-state.js";

export interface FileRoutesContext {
  state: WorkspaceState;
  recorder: CallRecorder;
  pendingUploads: Map<string, PendingUpload>;
  botToken: string;
  baseUrl: () => string;
}

/** The upload URL that files.getUploadURLExternal hands out, and the url_private file host. */
export class FileRoutes {
  readonly downloads: DownloadRecord[] = [];

  constructor(private readonly ctx: FileRoutesContext) {}

  /** POST /upload/v1/:fileId: multipart (what @slack/web-api sends) or raw bytes, answered "OK - <n>". */
  async upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const fileId = decodeURIComponent(url.pathname.split("/")[3] ?? "");
    const parsed = await readRequest(req, url, true);
    const pending = this.ctx.pendingUploads.get(fileId);
    const bytes = parsed.files[0]?.bytes;
    let status = 200;
    let text: string;
    if (!pending) {
      status = 404;
      text = "unknown upload";
    } else if (!bytes) {
      status = 400;
      text = "no file data";
    } else {
      pending.bytes = bytes;
      text = `OK - ${bytes.length}`;
    }
    this.ctx.recorder.record({
      method: "upload_url",
      params: { ...parsed.params, file_id: fileId },
      headers: parsed.headers,
      token: parsed.token,
      files: parsed.files,
      status,
      response: text,
      atMs: performance.now(),
    });
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(text);
  }

  /** GET|HEAD /files-pri/T-F/[download/]name: bytes only with the bot token, otherwise Slack's login redirect. */
  async download(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = flattenHeaders(req);
    const authorization = headers["authorization"];
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    const teamAndFile = decodeURIComponent(url.pathname.split("/")[2] ?? "");
    const fileId = teamAndFile.slice(teamAndFile.indexOf("-") + 1) || undefined;
    const stored = fileId ? this.ctx.state.files.get(fileId) : undefined;
    let status: number;
    if (!stored) status = 404;
    else if (stored.requireAuth && token !== this.ctx.botToken) status = 302;
    else status = 200;
    const record: DownloadRecord = {
      path: url.pathname,
      fileId,
      host: headers["host"] ?? "",
      tokenSent: authorization !== undefined,
      status,
      ...(token ? { token } : {}),
    };
    this.downloads.push(record);
    this.ctx.recorder.record({
      method: "file_download",
      params: { file_id: fileId ?? "" },
      headers,
      token,
      files: [],
      status,
      atMs: performance.now(),
    });
    if (stored && stored.delayMs > 0) await sleep(stored.delayMs);
    if (status === 404) {
      res.writeHead(404, { "content-type": "text/plain" }).end("file not found");
    } else if (status === 302) {
      // Slack answers a file request without a valid token with its sign-in page, not an error status.
      const location = `${this.ctx.baseUrl()}/signin?redir=${encodeURIComponent(url.pathname)}`;
      res.writeHead(302, { location }).end();
    } else {
      const { file, bytes } = stored!;
      res.writeHead(200, {
        "content-type": file.mimetype,
        "content-length": String(bytes.length),
        "content-disposition": `attachment; filename="${encodeURIComponent(file.name)}"`,
      });
      res.end(req.method === "HEAD" ? undefined : bytes);
    }
  }

  /** The sign-in page that unauthorised file requests land on. */
  signin(res: ServerResponse): void {
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end("<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in</body></html>");
  }
}
