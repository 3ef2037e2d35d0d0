import { createServer, type Server } from "node:http";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * While the bot waits for Redis, the playground's port answers with a page saying so (and 503 for
 * its API) instead of refusing connections; it is closed the moment the real playground starts.
 */
export class WaitingPage {
  private readonly server: Server;
  private reason = "connecting";

  constructor(private readonly where: string) {
    this.server = createServer((req, res) => {
      const text = `rf-edit is waiting for Redis at ${this.where} (${this.reason}). It starts by itself as soon as Redis answers.`;
      if ((req.url ?? "").startsWith("/api/")) {
        res.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "5" });
        res.end(JSON.stringify({ ok: false, message: text }));
        return;
      }
      res.writeHead(503, {
        "content-type": "text/html; charset=utf-8",
        "retry-after": "5",
        "cache-control": "no-store",
      });
      res.end(
        `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>rf-edit: waiting for Redis</title><p>${escapeHtml(text)}</p><p>This page reloads every 5 seconds.</p>`,
      );
    });
  }

  setReason(reason: string): void {
    this.reason = reason;
  }

  /** Resolves false when the port is taken (the real error comes when the playground starts). */
  async listen(port: number, host: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.server.once("error", () => resolve(false));
      this.server.listen(port, host, () => resolve(true));
    });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }
}
