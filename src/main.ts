import { ConfigError, loadConfig, misspelledSettings } from "../config/index.js";
import { ModelLoadError } from "../gpu-worker/src/flux/errors/model-load-error.js";
import { createLogger } from "./logger.js";
import { startOps } from "./ops/start-ops.js";
import { RedisConfigError } from "./queue/errors/redis-config-error.js";
import { createRedis, describeTarget, targetOf } from "./queue/redis-connection.js";
import { waitForRedis } from "./queue/wait-for-redis.js";
import { shutdownWithin } from "./runtime/bounded-shutdown.js";
import { PlatformStartError } from "./runtime/errors/platform-start-error.js";
import type { RunningBot } from "./runtime/start-bot.js";
import type { RunningWorker } from "./runtime/start-worker.js";
import { WaitingPage } from "./runtime/waiting-page.js";

/** A setting the process cannot run with: said in one paragraph, without a stack trace. */
function refuse(message: string): never {
  process.stderr.write(`${message}\nSee .env.example for every setting.\n`);
  process.exit(2);
}

/**
 * Starts the roles this process runs: `all` (bot and worker, the default), `bot`, or `worker`.
 * SIGTERM/SIGINT stop taking work, let the running edit finish (or hand it back), close Redis, and
 * exit within SHUTDOWN_TIMEOUT_MS whatever Redis does.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  // An unknown variable is otherwise ignored in silence: say which setting it probably meant.
  for (const { name, suggestion } of misspelledSettings(process.env)) {
    logger.warn(
      { variable: name, didYouMean: suggestion },
      `${name} is not a setting; did you mean ${suggestion}?`,
    );
  }
  const redis = createRedis(config.redisUrl, logger, "main");
  const target = targetOf(redis);
  const where = target ? describeTarget(target) : "REDIS_URL";

  let worker: RunningWorker | undefined;
  let bot: RunningBot | undefined;
  let waiting: WaitingPage | undefined;
  let ops: Awaited<ReturnType<typeof startOps>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const ms = config.shutdownTimeoutMs;
    logger.info({ signal, timeoutMs: ms }, "shutting down");
    const { unclosed } = await shutdownWithin(
      ms,
      [
        { name: "the waiting page", close: async () => waiting?.close() },
        // Platforms first: no new work is taken while the running edit finishes.
        { name: "the bot (platforms and deliveries)", close: async () => bot?.stop() },
        {
          name: "the GPU worker (its running edit is handed back to the queue)",
          // Most of the budget goes to the running edit; the rest to closing its connections.
          close: async (left) => worker?.stop(Math.max(0, left - 2000)),
        },
        { name: "the ops endpoints", close: async () => ops?.stop() },
        {
          name: "the Redis connection",
          close: async () => void (await redis.quit()),
          force: () => redis.disconnect(),
        },
      ],
      logger,
    );
    if (unclosed.length > 0) {
      logger.warn({ unclosed }, `stopped within ${ms} ms; could not close cleanly: ${unclosed.join("; ")}`);
      redis.disconnect();
    } else logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));

  // Ops endpoints first: /healthz answers (and /readyz says not ready) while Redis or the model loads.
  ops = await startOps(config, redis, logger);
  const runsPlayground = (config.role === "all" || config.role === "bot") && config.playground.enabled;
  if (runsPlayground) {
    waiting = new WaitingPage(where);
    if (!(await waiting.listen(config.playground.port, config.playground.host))) waiting = undefined;
  }
  logger.info(`connecting to Redis at ${where}`);
  try {
    await waitForRedis(redis, (reason) => waiting?.setReason(reason));
  } catch (err) {
    if (err instanceof RedisConfigError) refuse(`rf-edit cannot start: ${err.message}`);
    throw err;
  }
  await waiting?.close();
  waiting = undefined;
  if (stopping) return;

  if (config.role === "all" || config.role === "worker") {
    const { startWorker } = await import("./runtime/start-worker.js");
    worker = await startWorker(config, redis, logger);
    ops.watchWorker(worker);
  }
  if (config.role === "all" || config.role === "bot") {
    const { startBot } = await import("./runtime/start-bot.js");
    bot = await startBot(config, redis, logger);
    ops.watchBot(bot);
  }
}

main().catch((err) => {
  if (err instanceof PlatformStartError) {
    process.stderr.write(`rf-edit could not start ${err.platform}: ${err.message}\n`);
    process.exit(2);
  }
  // A model the worker cannot use (wrong folder, EXECUTION_PROVIDER=cuda without CUDA, a size that does
  // not fit) is a setting to fix, said in words; anything else is a bug and keeps its stack.
  const fixable = err instanceof ModelLoadError;
  process.stderr.write(
    `rf-edit failed to start: ${fixable ? err.message : ((err as Error).stack ?? String(err))}\n`,
  );
  process.exit(1);
});
