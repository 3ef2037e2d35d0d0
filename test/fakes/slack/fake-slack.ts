import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { CallRecorder } from "./call-recorder.js";
import { DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN, DEFAULT_IDS } from "./default-ids.js";
import { FileRoutes } from "./file-routes.js";
import { readRequest } from "./http-body.js";
import { InjectedBehaviours } from "./injected-behaviours.js";
import { SlackPayloads } from "./slack-payloads.js";
import { SocketModeServer, type SocketSendOptions } from "./socket-mode-server.js";
import type {
  CompletedUpload,
  DownloadRecord,
  EphemeralMessage,
  RecordedCall,
  ResponseUrlPost,
  SlackFile,
  SlackIds,
  SlackMessage,
  SocketAck,
  SocketEnvelopeType,
  StoredView,
} from "./types.js";
import { WebApiMethods } from "./web-api-methods.js";
import { type NewFile, type NewMessage, WorkspaceState } from "./workspace-state.js";

export interface FakeSlackOptions {
  /** Loopback address to listen on; another 127.x address makes a distinct "foreign" host. Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  botToken?: string;
  appToken?: string;
  ids?: Partial<SlackIds>;
}

export interface NewFileMessage {
  channel: string;
  user: string;
  name: string;
  bytes: Buffer | Uint8Array;
  mimetype?: string;
  text?: string;
  threadTs?: string;
  ts?: string;
}

/**
 * A fake Slack on loopback: Web API (`apiUrl`), file upload and download hosts, response_url
 * endpoints and Socket Mode, for the real @slack/bolt App to talk to in tests.
 */
export class FakeSlack {
  readonly ids: SlackIds;
  readonly botToken: string;
  readonly appToken: string;
  readonly payloads: SlackPayloads;
  readonly #host: string;
  readonly #requestedPort: number;
  readonly #recorder = new CallRecorder();
  readonly #behaviours = new InjectedBehaviours();
  readonly #state: WorkspaceState;
  readonly #api: WebApiMethods;
  readonly #files: FileRoutes;
  readonly #socket: SocketModeServer;
  readonly #responses: ResponseUrlPost[] = [];
  #server: Server | undefined;
  #port = 0;
  #responseUrlCounter = 0;

  constructor(options: FakeSlackOptions = {}) {
    this.ids = { ...DEFAULT_IDS, ...options.ids };
    this.botToken = options.botToken ?? DEFAULT_BOT_TOKEN;
    this.appToken = options.appToken ?? DEFAULT_APP_TOKEN;
    this.#host = options.host ?? "127.0.0.1";
    this.#requestedPort = options.port ?? 0;
    this.#state = new WorkspaceState(this.ids, () => this.baseUrl);
    this.#socket = new SocketModeServer(this.ids.appId, () => `ws://${this.#host}:${this.#port}`);
    this.#api = new WebApiMethods({
      ids: this.ids,
      state: this.#state,
      botToken: this.botToken,
      appToken: this.appToken,
      baseUrl: () => this.baseUrl,
      socketUrl: () => this.#socket.issueUrl(),
    });
    this.#files = new FileRoutes({
      state: this.#state,
      recorder: this.#recorder,
      pendingUploads: this.#api.pendingUploads,
      botToken: this.botToken,
      baseUrl: () => this.baseUrl,
    });
    this.payloads = new SlackPayloads({ ids: this.ids, responseUrl: (kind) => this.responseUrl(kind) });
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    return new FakeSlack(options).start();
  }

  async start(): Promise<this> {
    if (this.#server) throw new Error("fake Slack already started");
    const server = createServer({ keepAlive: true }, (req, res) => {
      this.#route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      });
    });
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? "/", this.baseUrl);
      if (url.pathname.startsWith("/link")) this.#socket.handleUpgrade(req, socket, head, url);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#requestedPort, this.#host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops everything: Socket Mode clients, keep-alive sockets, pending waits. Safe to call twice. */
  async close(): Promise<void> {
    this.#recorder.close();
    await this.#socket.close();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get port(): number {
    return this.#port;
  }

  /** `http://HOST:PORT`, no trailing slash. */
  get baseUrl(): string {
    return `http://${this.#host}:${this.#port}`;
  }

  /** Web API base URL for `clientOptions.slackApiUrl`: `http://HOST:PORT/api/`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  // --- recorded calls -------------------------------------------------------------------------

  calls(method?: string): RecordedCall[] {
    return this.#recorder.calls(method);
  }

  waitForCall(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall> {
    return this.#recorder.waitForCall(method, predicate, timeoutMs);
  }

  waitForCalls(
    method: string,
    count: number,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall[]> {
    return this.#recorder.waitForCalls(method, count, predicate, timeoutMs);
  }

  clearCalls(): void {
    this.#recorder.clear();
  }

  // --- injected answers -----------------------------------------------------------------------

  /** The next `times` calls of `method` answer HTTP 429 with Retry-After and `error: "ratelimited"`. */
  rateLimit(method: string, times = 1, retryAfterSec = 1): void {
    this.#behaviours.add(method, { kind: "ratelimited", retryAfterSec }, times);
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  failWith(method: string, error: string, times = 1): void {
    this.#behaviours.add(method, { kind: "error", error }, times);
  }

  /** The next `times` calls of `method` answer normally after `ms`. */
  delay(method: string, ms: number, times = 1): void {
    this.#behaviours.add(method, { kind: "delay", ms }, times);
  }

  clearInjected(method?: string): void {
    this.#behaviours.clear(method);
  }

  /**
   * The next `times` completed uploads are stored but never shared into their channel, as when
   * Slack's asynchronous share job fails: files.info shows no share and no message carries them.
   */
  withholdShares(times = 1): void {
    this.#api.withheldShares += times;
  }

  /** What users.info answers as this user's display and real name (any text: names are people's words). */
  setDisplayName(userId: string, name: string): void {
    this.#api.displayNames.set(userId, name);
  }

  // --- workspace content ----------------------------------------------------------------------

  /** A file hosted by this fake (url_private on it); not shared anywhere until posted in a message. */
  registerFile(input: NewFile): SlackFile {
    return this.#state.addFile(input);
  }

  /** Puts a message into a channel's history (or a thread, with threadTs) as if someone posted it. */
  postMessage(input: NewMessage): SlackMessage {
    return this.#state.addMessage(input);
  }

  /** A user's message carrying one uploaded file, as Slack shows it in history and in events. */
  postFileMessage(input: NewFileMessage): { message: SlackMessage; file: SlackFile } {
    const file = this.registerFile({
      name: input.name,
      bytes: input.bytes,
      mimetype: input.mimetype,
      user: input.user,
    });
    const message = this.postMessage({
      channel: input.channel,
      user: input.user,
      text: input.text ?? "",
      threadTs: input.threadTs,
      ts: input.ts,
      files: [file],
    });
    return { message, file };
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.#state.getMessage(channel, ts);
  }

  /** Top-level messages and broadcasts, newest first (conversations.history's view). */
  history(channel: string): SlackMessage[] {
    return this.#state.history(channel);
  }

  /** Root then replies, oldest first. */
  thread(channel: string, rootTs: string): SlackMessage[] {
    return this.#state.thread(channel, rootTs);
  }

  /** Every message of the channel, replies included, oldest first. */
  allMessages(channel: string): SlackMessage[] {
    return this.#state.allMessages(channel);
  }

  get uploads(): readonly CompletedUpload[] {
    return this.#api.completedUploads;
  }

  get downloads(): readonly DownloadRecord[] {
    return this.#files.downloads;
  }

  get views(): ReadonlyMap<string, StoredView> {
    return this.#state.views;
  }

  get ephemerals(): readonly EphemeralMessage[] {
    return this.#state.ephemerals;
  }

  /** Bodies POSTed to response_urls this fake handed out. */
  get responses(): readonly ResponseUrlPost[] {
    return this.#responses;
  }

  /** A fresh response_url on this fake, shaped like Slack's hooks URLs. */
  responseUrl(kind: "commands" | "actions" = "commands"): string {
    this.#responseUrlCounter += 1;
    return `${this.baseUrl}/${kind}/${this.ids.teamId}/${1000000 + this.#responseUrlCounter}/${randomBytes(12).toString("hex")}`;
  }

  // --- Socket Mode ----------------------------------------------------------------------------

  socketSend(type: SocketEnvelopeType, payload: object, options?: SocketSendOptions): Promise<SocketAck> {
    return this.#socket.send(type, payload, options);
  }

  waitForSocketConnection(timeoutMs?: number): Promise<void> {
    return this.#socket.waitForConnection(timeoutMs);
  }

  /** Sends `{type:"disconnect"}` to every client, which makes them reconnect. */
  socketRequestReconnect(reason?: string): void {
    this.#socket.requestReconnect(reason);
  }

  get socketAcks(): readonly SocketAck[] {
    return this.#socket.acks;
  }

  get socketConnections(): { open: number; ever: number } {
    return { open: this.#socket.openConnections, ever: this.#socket.connectionsEver };
  }

  // --- routing --------------------------------------------------------------------------------

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const path = url.pathname;
    if (path.startsWith("/api/")) return this.#apiCall(req, res, url);
    if (path.startsWith("/upload/v1/") && req.method === "POST") return this.#files.upload(req, res, url);
    if (path.startsWith("/files-pri/") && (req.method === "GET" || req.method === "HEAD")) {
      return this.#files.download(req, res, url);
    }
    if (path === "/signin") return this.#files.signin(res);
    if ((path.startsWith("/commands/") || path.startsWith("/actions/")) && req.method === "POST") {
      return this.#responseUrlPost(req, res, url);
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }

  async #apiCall(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = decodeURIComponent(url.pathname.slice("/api/".length));
    const parsed = await readRequest(req, url);
    const behaviour = this.#behaviours.take(method);
    let status = 200;
    let body: Record<string, unknown>;
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (behaviour?.kind === "ratelimited") {
      status = 429;
      headers["retry-after"] = String(behaviour.retryAfterSec);
      body = { ok: false, error: "ratelimited" };
    } else if (behaviour?.kind === "error") {
      status = behaviour.status ?? 200;
      body = { ok: false, error: behaviour.error };
    } else {
      if (behaviour?.kind === "delay") await sleep(behaviour.ms);
      body = this.#api.call(method, parsed.params, parsed.token);
    }
    this.#recorder.record({
      method,
      params: parsed.params,
      headers: parsed.headers,
      token: parsed.token,
      files: parsed.files,
      status,
      response: body,
      atMs: performance.now(),
    });
    res.writeHead(status, headers).end(JSON.stringify(body));
  }

  async #responseUrlPost(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parsed = await readRequest(req, url);
    this.#responses.push({ path: url.pathname, body: parsed.params });
    this.#recorder.record({
      method: "response_url",
      params: parsed.params,
      headers: parsed.headers,
      token: parsed.token,
      files: [],
      status: 200,
      response: { ok: true },
      atMs: performance.now(),
    });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end('{"ok":true}');
  }
}
