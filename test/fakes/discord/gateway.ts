import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../../../src/logger.js";
import { GatewaySession } from "./gateway-session.js";
import type { DiscordState } from "./state.js";

export interface GatewayOptions {
  state: DiscordState;
  heartbeatIntervalMs: number;
  authorize: (token: string) => boolean;
  gatewayUrl: () => string;
  /** The full guild object a GUILD_CREATE carries. */
  guildCreatePayload: (guildId: string) => Record<string, unknown>;
  logger: Logger;
}

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Gateway v10 over JSON: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, dispatches. */
export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly socketSessions = new Map<WebSocket, GatewaySession>();
  private readonly readyWaiters = new Set<(session: GatewaySession) => void>();
  identifyCount = 0;
  resumeCount = 0;

  constructor(private readonly options: GatewayOptions) {
    this.wss.on("connection", (socket, request) => this.onConnection(socket, request));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit("connection", ws, request));
  }

  /** Sessions that can still receive events (connected, or detached and resumable). */
  liveSessions(): GatewaySession[] {
    return [...this.sessions.values()].filter((s) => !s.ended);
  }

  connectedSessions(): GatewaySession[] {
    return this.liveSessions().filter((s) => s.connected);
  }

  /** Sends an event to every live session whose intents include `intent` (0: no intent needed). */
  dispatch(t: string, d: unknown, intent: number): number {
    let sent = 0;
    for (const session of this.liveSessions()) {
      if (intent !== 0 && (session.intents & intent) === 0) continue;
      session.dispatch(t, d);
      sent += 1;
    }
    return sent;
  }

  /** Resolves when a session is READY (at once if one is connected now). */
  waitForReady(timeoutMs: number): Promise<GatewaySession> {
    const current = this.connectedSessions().at(-1);
    if (current) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const done = (session: GatewaySession) => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve(session);
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(done);
        reject(new Error(`fake Discord: no client identified on the gateway within ${timeoutMs} ms`));
      }, timeoutMs);
      this.readyWaiters.add(done);
    });
  }

  /** Asks connected clients to reconnect and resume (op 7), as Discord does before a gateway restart. */
  requestReconnect(): void {
    for (const session of this.connectedSessions()) session.socket?.send(frame(Op.Reconnect, null));
  }

  /** Drops connections without a close handshake; sessions stay resumable. */
  dropConnections(code = 4000): void {
    for (const session of this.connectedSessions())
      session.socket?.close(code, "fake Discord dropped the connection");
  }

  /** Ends every session: the next connection must IDENTIFY again. */
  invalidateSessions(): void {
    for (const session of this.connectedSessions()) session.socket?.send(frame(Op.InvalidSession, false));
    for (const session of this.sessions.values()) session.ended = true;
  }

  async close(): Promise<void> {
    for (const waiter of this.readyWaiters) this.readyWaiters.delete(waiter);
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? "/", "ws://127.0.0.1").searchParams;
    const version = query.get("v");
    if (version !== null && version !== "10") {
      socket.close(4012, "Invalid API version");
      return;
    }
    if (query.get("encoding") === "etf") {
      socket.close(4002, "The fake Discord gateway speaks JSON only");
      return;
    }
    // `compress=zlib-stream` is ignored: text frames stay readable by every client, discord.js included.
    socket.send(
      frame(Op.Hello, {
        heartbeat_interval: this.options.heartbeatIntervalMs,
        _trace: ['["fake-gateway",{}]'],
      }),
    );
    socket.on("message", (data) => this.onMessage(socket, data));
    socket.on("close", (code) => {
      const session = this.socketSessions.get(socket);
      this.socketSessions.delete(socket);
      if (session && session.socket === socket) session.detach(code);
    });
    socket.on("error", (error) => this.options.logger.debug({ err: error }, "gateway socket error"));
  }

  private onMessage(socket: WebSocket, data: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(data.toString());
    } catch {
      socket.close(4002, "Error while decoding payload.");
      return;
    }
    const session = this.socketSessions.get(socket);
    switch (payload.op) {
      case Op.Heartbeat:
        socket.send(frame(Op.HeartbeatAck, null));
        return;
      case Op.Identify:
        if (session) socket.close(4005, "Already authenticated.");
        else this.identify(socket, (payload.d ?? {}) as Record<string, unknown>);
        return;
      case Op.Resume:
        if (session) socket.close(4005, "Already authenticated.");
        else this.resume(socket, (payload.d ?? {}) as Record<string, unknown>);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!session) socket.close(4003, "Not authenticated.");
        return;
      default:
        socket.close(4001, "Unknown opcode.");
    }
  }

  private identify(socket: WebSocket, d: Record<string, unknown>): void {
    const token = String(d.token ?? "");
    if (!this.options.authorize(`Bot ${token}`)) {
      socket.close(4004, "Authentication failed.");
      return;
    }
    const intents = Number(d.intents);
    if (!Number.isInteger(intents) || intents < 0 || intents >= 1 << 26) {
      socket.close(4013, "Invalid intent(s).");
      return;
    }
    const { state } = this.options;
    this.identifyCount += 1;
    const session = new GatewaySession(randomBytes(16).toString("hex"), token, intents, d);
    this.sessions.set(session.id, session);
    this.attach(session, socket);
    const shard = Array.isArray(d.shard) ? d.shard : [0, 1];
    session.dispatch("READY", {
      v: 10,
      user: state.botUser,
      guilds: [...state.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.options.gatewayUrl(),
      shard,
      application: { id: state.applicationId, flags: state.applicationFlags },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ['["fake-gateway",{}]'],
    });
    // Sent whatever the intents: READY promised these guilds, and clients wait for each of them.
    for (const guildId of state.guilds.keys())
      session.dispatch("GUILD_CREATE", this.options.guildCreatePayload(guildId));
    for (const waiter of this.readyWaiters) waiter(session);
  }

  private resume(socket: WebSocket, d: Record<string, unknown>): void {
    const session = this.sessions.get(String(d.session_id ?? ""));
    if (!session || session.ended || session.token !== String(d.token ?? "") || session.connected) {
      socket.send(frame(Op.InvalidSession, false));
      return;
    }
    this.attach(session, socket);
    if (!session.replayAfter(Number(d.seq ?? 0))) {
      session.ended = true;
      socket.send(frame(Op.InvalidSession, false));
      return;
    }
    session.resumes += 1;
    this.resumeCount += 1;
    session.dispatch("RESUMED", { _trace: ['["fake-gateway",{}]'] });
    for (const waiter of this.readyWaiters) waiter(session);
  }

  private attach(session: GatewaySession, socket: WebSocket): void {
    session.socket = socket;
    this.socketSessions.set(socket, session);
  }
}

function frame(op: number, d: unknown): string {
  return JSON.stringify({ op, d, s: null, t: null });
}
