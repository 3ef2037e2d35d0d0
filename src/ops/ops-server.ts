import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { Queue } from "bullmq";
import express from "express";
import type { Config } from "../../config/index.js";
import type { Logger } from "../logger.js";
import { bullPrefix, DELIVERY_QUEUE, EDIT_QUEUE } from "../queue/queue-names.js";
import type { RedisLike } from "../queue/redis-connection.js";
import { adminAuth } from "./admin-auth.js";
import type { OpsMetrics } from "./metrics.js";
import { checkRedisHealth } from "./redis-health.js";

export const DASHBOARD_PATH = "/admin/queues";

/** A part of the process readiness depends on: true while it is up and taking work. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/**
 * Every role's operations endpoint on METRICS_PORT: `/metrics` (Prometheus), `/healthz` (the process
 * answers), `/readyz` (Redis answers and every part this role runs is up), and, with ADMIN_TOKEN
 * set, the Bull Board queue dashboard at /admin/queues.
 */
export class OpsServer {
  private readonly app = express();
  private readonly queues: Queue[];
  private readonly checks = new Map<string, ReadinessCheck | null>();
  /**
   * Facts /readyz shows next to the checks without failing on them, e.g. the execution provider each
   * model part runs on, or whether any GPU worker is online (read at each request when a function).
   */
  private readonly details = new Map<string, unknown>();
  private server?: Server;

  constructor(
    private readonly d: {
      config: Config;
      redis: RedisLike;
      metrics: OpsMetrics;
      logger: Logger;
      /** Parts this role will run; /readyz fails until each has registered its check. */
      parts: string[];
    },
  ) {
    for (const part of d.parts) this.checks.set(part, null);
    const prefix = bullPrefix(d.config.keyPrefix);
    this.queues = [EDIT_QUEUE, DELIVERY_QUEUE].map(
      (name) => new Queue(name, { connection: d.redis, prefix }),
    );
    for (const q of this.queues) {
      // Without a listener BullMQ prints each connection error raw; the connection logs outages in words.
      q.on("error", (err) => d.logger.debug({ err }, "ops queue: Redis error"));
      d.metrics.addQueue(q.name, () =>
        q.getJobCounts("wait", "prioritized", "active", "delayed", "completed", "failed"),
      );
    }
    this.app.disable("x-powered-by");
    this.app.get("/metrics", async (_req, res) => {
      try {
        const { body, contentType } = await d.metrics.render();
        res.type(contentType).send(body);
      } catch (err) {
        d.logger.warn({ err }, "metrics scrape failed");
        res.status(500).type("text/plain").send("metrics unavailable");
      }
    });
    this.app.get("/healthz", (_req, res) => {
      res.json({ status: "ok" });
    });
    this.app.get("/readyz", async (_req, res) => {
      const parts = await this.readiness();
      const ready = Object.values(parts).every(Boolean);
      const details: Record<string, unknown> = {};
      for (const [name, value] of this.details) {
        try {
          details[name] = typeof value === "function" ? value() : value;
        } catch {
          details[name] = null;
        }
      }
      res.status(ready ? 200 : 503).json({
        status: ready ? "ready" : "not ready",
        parts,
        ...details,
        ...(this.redisReason ? { redis: this.redisReason } : {}),
      });
    });
    if (d.config.adminToken) this.mountDashboard(d.config.adminToken);
    // Anything else, the dashboard too when ADMIN_TOKEN is unset: nothing here.
    this.app.use((_req, res) => {
      res.status(404).type("text/plain").send("Not found.");
    });
    // Express's own handler would print the stack trace into the response outside production.
    this.app.use(
      (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        const status = httpStatusOf(err);
        if (status >= 500) d.logger.warn({ err }, "ops request failed");
        if (res.headersSent) return;
        res
          .status(status)
          .type("text/plain")
          .send(status >= 500 ? "Something went wrong." : "That request could not be read.");
      },
    );
  }

  setReady(part: string, check: ReadinessCheck): void {
    this.checks.set(part, check);
  }

  /** A fact for /readyz: a value, or a function read at each request. */
  setDetail(name: string, value: unknown): void {
    this.details.set(name, value);
  }

  /** Why Redis is not ready, from the last check (undefined when it is). */
  private redisReason?: string;

  async readiness(): Promise<Record<string, boolean>> {
    const health = await checkRedisHealth(this.d.redis);
    this.redisReason = health.reason;
    const out: Record<string, boolean> = { redis: health.ok };
    for (const [part, check] of this.checks) {
      try {
        out[part] = check ? await check() : false;
      } catch {
        out[part] = false;
      }
    }
    return out;
  }

  private mountDashboard(token: string): void {
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: this.queues.map((q) => new BullMQAdapter(q)),
      // @bull-board/express pins its own copy of @bull-board/api; the adapter types differ only by copy.
      serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]["serverAdapter"],
    });
    this.app.use(DASHBOARD_PATH, adminAuth(token, DASHBOARD_PATH), serverAdapter.getRouter());
  }

  /** Listens and returns the port really taken (METRICS_PORT=0 picks a free one). */
  async listen(port = this.d.config.metricsPort, host = this.d.config.metricsHost): Promise<number> {
    const server = this.app.listen(port, host);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    const actual = (server.address() as AddressInfo).port;
    this.d.logger.info(
      { port: actual, dashboard: Boolean(this.d.config.adminToken) },
      "ops endpoints are up",
    );
    return actual;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    }
    await Promise.all(this.queues.map((q) => q.close()));
  }
}

/** The status an Express middleware attached to its error (body-parser's 400/413), else 500. */
function httpStatusOf(err: unknown): number {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}
