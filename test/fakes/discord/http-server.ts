import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "../../../src/logger.js";
import { DiscordApiError } from "./errors/discord-api-error.js";
import type { FailureInjector } from "./failure-injector.js";
import { parseBody } from "./multipart.js";
import type { RecordedRequest, RequestRecorder } from "./recorder.js";
import type { RestResponse, Router } from "./router.js";

export interface HttpServerDeps {
  restRouter: Router;
  cdnRouter: Router;
  recorder: RequestRecorder;
  failures: FailureInjector;
  /** Whether a REST request's Authorization header is acceptable. */
  authorize: (authorization: string | undefined) => boolean;
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  logger: Logger;
}

const REST_PREFIX = /^\/api(?:\/v(\d+))?(?=\/|$)/;

/** One HTTP server for REST (`/api/v10/...`), the CDN (`/attachments/...`) and the gateway upgrade. */
export class FakeHttpServer {
  private readonly server: Server;

  constructor(private readonly deps: HttpServerDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        deps.logger.error({ err: error }, "fake Discord failed to answer a request");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "500: Internal Server Error", code: 0 }));
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on("upgrade", deps.onUpgrade);
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive sockets from undici would otherwise hold close() open until they time out.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seq = this.deps.recorder.nextSeq();
    const at = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);

    const restMatch = REST_PREFIX.exec(url.pathname);
    const kind: RecordedRequest["kind"] = restMatch
      ? "rest"
      : url.pathname.startsWith("/attachments/")
        ? "cdn"
        : "other";
    // Clients percent-encode segments (`%40original`, emojis); routes and records use the decoded form.
    const path = decodePath(restMatch ? url.pathname.slice(restMatch[0].length) || "/" : url.pathname);
    const router = kind === "cdn" ? this.deps.cdnRouter : this.deps.restRouter;
    const match = kind === "other" ? null : router.match(method === "HEAD" ? "GET" : method, path);

    const record: RecordedRequest = {
      seq,
      at,
      method,
      path,
      route: match?.route.pattern ?? null,
      params: match?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      files: [],
      kind,
      status: 0,
      response: undefined,
      handledMs: 0,
      injected: false,
    };

    let response: RestResponse;
    try {
      const parsed = await parseBody(raw, req.headers);
      record.body = parsed.body;
      record.files = parsed.files;
      response = await this.answer(record, match, url.searchParams, restMatch?.[1]);
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      response = { status: error.status, body: error.toBody() };
    }

    record.status = response.status;
    record.response = response.body;
    send(res, response, method === "HEAD");
    record.handledMs = Date.now() - at;
    this.deps.recorder.add(record);
  }

  private async answer(
    record: RecordedRequest,
    match: ReturnType<Router["match"]>,
    query: URLSearchParams,
    version: string | undefined,
  ): Promise<RestResponse> {
    const injected =
      record.kind === "other" ? null : this.deps.failures.take(record.method, record.path, record.route);
    if (injected) {
      record.injected = true;
      return { status: injected.status, body: injected.body, headers: injected.headers };
    }
    if (record.kind === "rest" && version !== undefined && version !== "10" && version !== "9") {
      throw new DiscordApiError(400, 50041, "Invalid API version provided.");
    }
    if (!match) throw DiscordApiError.notFound();
    if (match.route.auth && record.kind === "rest" && !this.deps.authorize(record.headers.authorization)) {
      throw DiscordApiError.unauthorized();
    }
    return match.route.handler({
      method: record.method,
      path: record.path,
      params: match.params,
      query,
      headers: record.headers,
      body: record.body,
      files: record.files,
    });
  }
}

function decodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: RestResponse, headOnly: boolean): void {
  const headers: Record<string, string | number> = { ...response.headers };
  let payload: Buffer | undefined;
  if (response.raw) payload = response.raw;
  else if (response.body !== undefined && response.status !== 204) {
    payload = Buffer.from(JSON.stringify(response.body));
    headers["content-type"] = "application/json";
  }
  if (payload) headers["content-length"] = payload.length;
  res.writeHead(response.status, headers);
  res.end(headOnly ? undefined : payload);
}
