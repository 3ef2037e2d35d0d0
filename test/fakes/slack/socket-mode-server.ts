import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { FakeClosedError } from "./errors/fake-closed-error.js";
import { WaitTimeoutError } from "./errors/wait-timeout-error.js";
import type { SocketAck, SocketEnvelopeType } from "./types.js";

export interface SocketSendOptions {
  /** How long to wait for the client's ack. Default 3000 ms (Slack's own limit). */
  timeoutMs?: number;
  /** Default: true for slash_commands and interactive, false for events_api, as Slack sends them. */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
}

interface PendingAck {
  sentAtMs: number;
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface ConnectionWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Slack's Socket Mode endpoint: hello on connect, envelopes out, acks back. */
export class SocketModeServer {
  readonly acks: SocketAck[] = [];
  /** Every JSON frame a client sent, acks included, in order. */
  readonly received: unknown[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #connections: WebSocket[] = [];
  readonly #pending = new Map<string, PendingAck>();
  readonly #connectionWaiters = new Set<ConnectionWaiter>();
  #connectionsEver = 0;

  constructor(
    private readonly appId: string,
    private readonly wsBase: () => string,
  ) {}

  /** A fresh single-connection URL, as apps.connections.open hands out. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    return `${this.wsBase()}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  get openConnections(): number {
    return this.#connections.length;
  }

  /** How many clients have connected since start, reconnects included. */
  get connectionsEver(): number {
    return this.#connectionsEver;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const ticket = url.searchParams.get("ticket") ?? "";
    if (!this.#tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws));
  }

  #onConnection(ws: WebSocket): void {
    this.#connections.push(ws);
    this.#connectionsEver += 1;
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.#onFrame(data.toString());
    });
    ws.on("close", () => {
      const at = this.#connections.indexOf(ws);
      if (at >= 0) this.#connections.splice(at, 1);
    });
    ws.on("error", () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.#connections.length,
        debug_info: { host: "applink-fake-1", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    for (const waiter of this.#connectionWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.#connectionWaiters.clear();
  }

  #onFrame(text: string): void {
    let frame: { envelope_id?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    this.received.push(frame);
    const envelopeId = typeof frame.envelope_id === "string" ? frame.envelope_id : undefined;
    const pending = envelopeId ? this.#pending.get(envelopeId) : undefined;
    if (!envelopeId || !pending) return;
    this.#pending.delete(envelopeId);
    clearTimeout(pending.timer);
    const payload =
      frame.payload && typeof frame.payload === "object" ? (frame.payload as Record<string, unknown>) : {};
    const ack: SocketAck = { envelopeId, payload, ackMs: performance.now() - pending.sentAtMs };
    this.acks.push(ack);
    pending.resolve(ack);
  }

  /** Resolves once at least one client is connected (and has been sent hello). */
  waitForConnection(timeoutMs = 3000): Promise<void> {
    if (this.#connections.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: ConnectionWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#connectionWaiters.delete(waiter);
          reject(new WaitTimeoutError("a Socket Mode connection", timeoutMs));
        }, timeoutMs),
      };
      this.#connectionWaiters.add(waiter);
    });
  }

  /** Sends an envelope to the newest connection and resolves with the client's ack. */
  send(type: SocketEnvelopeType, payload: object, options: SocketSendOptions = {}): Promise<SocketAck> {
    const ws = this.#connections.at(-1);
    if (!ws) return Promise.reject(new Error("fake Slack: no Socket Mode client is connected"));
    const envelopeId = randomUUID();
    const timeoutMs = options.timeoutMs ?? 3000;
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? type !== "events_api",
      ...(type === "events_api"
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? "" }
        : {}),
    };
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        reject(new WaitTimeoutError(`the ack of ${type} envelope ${envelopeId}`, timeoutMs));
      }, timeoutMs);
      this.#pending.set(envelopeId, { sentAtMs: performance.now(), resolve, reject, timer });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Asks every client to reconnect, as Slack does when it recycles a connection. */
  requestReconnect(reason = "refresh_requested"): void {
    const frame = JSON.stringify({
      type: "disconnect",
      reason,
      debug_info: { host: "applink-fake-1" },
    });
    for (const ws of this.#connections) ws.send(frame);
  }

  /**
   * Ends every connection with a close handshake (terminating stragglers after `graceMs`): a client cut
   * off mid-handshake leaves @slack/socket-mode holding a 30 s timer, which would keep tests alive.
   */
  async close(graceMs = 1000): Promise<void> {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new FakeClosedError(`the ack of envelope ${id}`));
    }
    this.#pending.clear();
    for (const waiter of this.#connectionWaiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new FakeClosedError("a Socket Mode connection"));
    }
    this.#connectionWaiters.clear();
    const closing = this.#connections.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          if (ws.readyState === ws.OPEN) ws.close(1001, "fake Slack closing");
        }),
    );
    await Promise.all(closing);
    this.#connections.length = 0;
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
