import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEMO_BANNER,
  PLAYGROUND_GREETING,
  STORAGE_FULL,
  STORE_BUSY,
  uploadTooLargeText,
} from "../../core/messages.js";
import type { Logger } from "../../logger.js";
import { isRedisUnavailable } from "../../queue/errors/redis-unavailable.js";
import { isStorageFull } from "../../queue/redis-errors.js";
import type { ChannelEvent, ChannelStore } from "./channel-store.js";
import { RequestError } from "./errors/request-error.js";
import { sniffImageType } from "./image-type.js";
import type { ActionReply, PlaygroundActions } from "./playground-actions.js";
import { BOT_AUTHOR } from "./playground-message.js";
import type { PlaygroundSessions } from "./playground-sessions.js";
import { type PlaygroundUser, userFor } from "./playground-user.js";
import { PLAYGROUND_REACTIONS } from "./reaction-policy.js";
import { readBody } from "./read-body.js";
import type { RequestGuard } from "./request-guard.js";

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
  // Browsers ask for /favicon.ico on their own; every current one draws SVG.
  "/favicon.ico": { file: "favicon.svg", type: "image/svg+xml" },
};

const JSON_BODY_MAX_BYTES = 64 * 1024;
const SSE_KEEPALIVE_MS = 15_000;
const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;
const SHA = /^\/images\/([a-f0-9]{64})\.(?:png|jpg|gif|webp)$/;

export interface PlaygroundServerDeps {
  actions: PlaygroundActions;
  store: ChannelStore;
  images: { get(sha: string): Promise<Buffer | null> };
  info: () => Promise<{ isDemo: boolean; model: string }>;
  maxImageBytes: number;
  /** Host and Origin checks: only this server's own pages are answered. */
  guard: RequestGuard;
  /** Who each browser is: a signed session cookie. */
  sessions: PlaygroundSessions;
  logger: Logger;
}

/** Refusals that tell the browser to drop the connection rather than send the rest of a big body. */
const CLOSE_AFTER = new Set([413, 503]);

/**
 * The playground's HTTP side: the page, its one script, the channel's history and live events
 * (Server-Sent Events), uploads, reactions and buttons, and the pictures from the image store.
 * Plain node:http: the page needs nothing a framework would add.
 */
export class PlaygroundServer {
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly unsubscribe: () => void;
  private keepalive?: NodeJS.Timeout;

  constructor(private readonly d: PlaygroundServerDeps) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err) => this.fail(res, err));
    });
    this.unsubscribe = d.store.subscribe((event: ChannelEvent) =>
      event.type === "message"
        ? this.broadcast("message", event.message)
        : this.broadcast("reaction", event.delta),
    );
  }

  /** Listens and returns the port really taken (PLAYGROUND_PORT=0 picks a free one). */
  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        this.d.guard.listeningOn((this.server.address() as AddressInfo).port);
        resolve();
      });
    });
    this.keepalive = setInterval(() => {
      for (const s of this.streams) s.write(": keepalive\n\n");
    }, SSE_KEEPALIVE_MS);
    this.keepalive.unref();
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    if (this.keepalive) clearInterval(this.keepalive);
    for (const s of this.streams) s.end();
    this.streams.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Before anything else, even the page: a rebinding name must not read a byte of the channel.
    this.d.guard.check(req);
    const session = this.session(req, res);
    const url = new URL(req.url ?? "/", "http://playground.local");
    const path = url.pathname;
    if (req.method === "GET" || req.method === "HEAD") {
      const file = STATIC_FILES[path];
      if (file) return this.serveStatic(res, file.file, file.type);
      if (path === "/api/info")
        return this.json(res, 200, {
          ...(await this.d.info()),
          demoNotice: DEMO_BANNER,
          greeting: PLAYGROUND_GREETING,
          botId: BOT_AUTHOR.id,
          reactions: PLAYGROUND_REACTIONS,
          maxImageBytes: this.d.maxImageBytes,
          me: session ? this.d.sessions.userIdOf(session) : null,
        });
      if (path === "/api/settings")
        return this.json(res, 200, { ok: true, ...(await this.d.actions.settings()) });
      if (path === "/api/history") return this.json(res, 200, { messages: await this.d.store.history() });
      if (path === "/api/events") return this.events(req, res);
      const image = SHA.exec(path);
      if (image) return this.serveImage(res, image[1]);
      return this.json(res, 404, { ok: false, message: "Not found." });
    }
    if (req.method !== "POST") return this.json(res, 405, { ok: false, message: "Method not allowed." });
    if (!session) {
      throw new RequestError(401, "Your playground session is missing or expired; reload the page.");
    }
    const userId = this.d.sessions.userIdOf(session);
    if (path === "/api/messages") return this.postMessage(req, res, userId);
    if (path === "/api/settings") {
      const body = JSON.parse(
        (await readBody(req, JSON_BODY_MAX_BYTES, "Too large.")).toString("utf8") || "{}",
      ) as Record<string, unknown>;
      return this.reply(res, await this.d.actions.changeSettings(userFor(userId, body.name), body.settings));
    }
    if (path === "/api/react" || path === "/api/control") {
      const body = JSON.parse(
        (await readBody(req, JSON_BODY_MAX_BYTES, "Too large.")).toString("utf8") || "{}",
      ) as Record<string, unknown>;
      const user = userFor(userId, body.name);
      const reply =
        path === "/api/react"
          ? await this.d.actions.react(user, String(body.messageId ?? ""), String(body.emoji ?? ""))
          : await this.d.actions.control(
              user,
              String(body.id ?? ""),
              typeof body.text === "string" ? body.text : undefined,
            );
      return this.reply(res, reply);
    }
    return this.json(res, 404, { ok: false, message: "Not found." });
  }

  /**
   * The browser's session id from its signed cookie. A request without a valid one gets a fresh
   * session in its response (the page load does this first); only reads work without one.
   */
  private session(req: IncomingMessage, res: ServerResponse): string | null {
    const id = this.d.sessions.sessionOf(req);
    if (id) return id;
    if (req.method === "GET" || req.method === "HEAD") {
      const fresh = this.d.sessions.create();
      res.setHeader("set-cookie", fresh.setCookie);
      return fresh.id;
    }
    return null;
  }

  /**
   * The upload is the raw body (so the cap counts the picture's own bytes); the rest rides in
   * headers. The body is read only inside an intake slot, against the byte cap.
   */
  private async postMessage(req: IncomingMessage, res: ServerResponse, userId: string): Promise<void> {
    const header = (name: string) => {
      const v = req.headers[name];
      if (typeof v !== "string") return undefined;
      try {
        return decodeURIComponent(v);
      } catch {
        throw new RequestError(400, "That request was garbled; reload the page and try again.");
      }
    };
    const user: PlaygroundUser = userFor(userId, header("x-playground-name"));
    const text = (header("x-playground-text") ?? "").slice(0, 20_000);
    const name = header("x-playground-filename")?.slice(0, 200);
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    const hasBody = Number.isFinite(declared) ? declared > 0 : req.headers["transfer-encoding"] !== undefined;
    const tooLarge = uploadTooLargeText(this.d.maxImageBytes);
    if (Number.isFinite(declared) && declared > this.d.maxImageBytes) throw new RequestError(413, tooLarge);
    const upload = hasBody ? { read: (max: number) => readBody(req, max, tooLarge), name } : undefined;
    this.reply(
      res,
      await this.d.actions.post(user, text, upload, header("x-playground-thread") || undefined),
    );
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    this.streams.add(res);
    req.on("close", () => this.streams.delete(res));
  }

  private broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of this.streams) {
      // A tab that stopped reading would make the bot buffer every event for it, without end: drop
      // it instead; its EventSource reconnects and reloads the history when it wakes up.
      if (s.writableLength > SSE_MAX_BUFFERED_BYTES) {
        this.streams.delete(s);
        s.destroy();
        continue;
      }
      s.write(frame);
    }
  }

  private async serveStatic(res: ServerResponse, file: string, type: string): Promise<void> {
    const body = await readFile(new URL(`./public/${file}`, import.meta.url));
    res.writeHead(200, {
      "content-type": type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "content-security-policy":
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    });
    res.end(body);
  }

  private async serveImage(res: ServerResponse, sha: string): Promise<void> {
    const bytes = await this.d.images.get(sha);
    const type = bytes ? sniffImageType(bytes) : null;
    if (!bytes || !type) return this.json(res, 404, { ok: false, message: "That picture has expired." });
    res.writeHead(200, {
      "content-type": type,
      "content-length": bytes.length,
      "cache-control": "private, max-age=86400, immutable",
      "x-content-type-options": "nosniff",
    });
    res.end(bytes);
  }

  private reply(res: ServerResponse, reply: ActionReply): void {
    const { status, ...body } = reply;
    // A failover or a full Redis is the server's state, not a refusal of this request: 503, as for a
    // thrown one.
    this.json(res, status ?? (reply.busy || reply.message === STORAGE_FULL ? 503 : 200), body);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    };
    // An upload refused before its body was read: close rather than take in megabytes to discard.
    if (CLOSE_AFTER.has(status)) headers.connection = "close";
    if (status === 503) headers["retry-after"] = "5";
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (err instanceof RequestError) {
      this.json(res, err.status, { ok: false, message: err.userMessage });
    } else if (isRedisUnavailable(err)) {
      // A Redis failover is not the person's fault nor a bug: they can simply try again.
      this.d.logger.warn({ reason: (err as Error).message }, "playground request met a Redis failover");
      this.json(res, 503, { ok: false, busy: true, message: STORE_BUSY });
    } else if (err instanceof SyntaxError) {
      this.json(res, 400, { ok: false, message: "That request was not valid JSON." });
    } else if (isStorageFull(err)) {
      this.d.logger.warn("Redis is full (maxmemory): refused a playground request");
      this.json(res, 503, { ok: false, message: STORAGE_FULL });
    } else {
      this.d.logger.error({ err }, "playground request failed");
      this.json(res, 500, { ok: false, message: "Something went wrong in the playground. Try again." });
    }
  }
}
