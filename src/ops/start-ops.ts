import type { Config } from "../../config/index.js";
import { NO_WORKER_ONLINE } from "../core/messages.js";
import type { Logger } from "../logger.js";
import { watchOf } from "../queue/connection-watch.js";
import type { RedisLike } from "../queue/redis-connection.js";
import type { RunningBot } from "../runtime/start-bot.js";
import type { RunningWorker } from "../runtime/start-worker.js";
import { OpsMetrics } from "./metrics.js";
import { executionProviderDetail, registerModelMetrics } from "./model-metrics.js";
import { OpsServer } from "./ops-server.js";

export interface RunningOps {
  metrics: OpsMetrics;
  server: OpsServer;
  port: number;
  /** Counts the worker's jobs and makes /readyz depend on it. */
  watchWorker(worker: RunningWorker): void;
  /** Counts the bot's deliveries and makes /readyz depend on its delivery consumer. */
  watchBot(bot: RunningBot): void;
  stop(): Promise<void>;
}

/** The parts /readyz waits for in each role. */
export function partsOf(role: Config["role"]): string[] {
  return role === "all" ? ["worker", "bot"] : [role];
}

/**
 * Starts the ops endpoints for whatever this process runs. Started before the roles, so /healthz
 * answers (and /readyz says "not ready") while the process is still waiting for Redis or a model.
 */
export async function startOps(
  config: Config,
  redis: RedisLike,
  logger: Logger,
  options: { port?: number; host?: string } = {},
): Promise<RunningOps> {
  const metrics = new OpsMetrics();
  metrics.watchRedis(watchOf(redis));
  const server = new OpsServer({ config, redis, metrics, logger, parts: partsOf(config.role) });
  const port = await server.listen(options.port ?? config.metricsPort, options.host);
  return {
    metrics,
    server,
    port,
    watchWorker(running) {
      metrics.observeEditWorker(running.worker.worker, running.worker.cache);
      registerModelMetrics(metrics.registry, running.model.info, running.promptCache);
      server.setDetail("executionProvider", executionProviderDetail(running.model.info));
      server.setReady("worker", () => running.worker.worker.isRunning());
    },
    watchBot(bot) {
      bot.ctx.onDelivery((delivery, outcome) => metrics.deliveryHandled(delivery, outcome));
      bot.ctx.onRefused((reason, platform) => metrics.requestRefused(reason, platform));
      server.setReady("bot", () => bot.ctx.deliveriesRunning());
      server.setDetail("gpuWorkers", () => {
        const r = bot.ctx.workers.report();
        return { ...r, ...(r.noneForAWhile ? { note: NO_WORKER_ONLINE } : {}) };
      });
    },
    async stop() {
      await server.close();
    },
  };
}
