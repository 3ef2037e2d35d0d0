import { ConfigError, loadConfig, misspelledSettings } from "../config/index.js";
import { ModelLoadError } from "../gpu-worker/src/flux/errors/model-load-error.js";
import { createLogger } from "./logger.js";
import { startOps } from "./ops/start-ops.js";
import { createRedis } from "./queue/redis-connection.js";
import { PlatformStartError } from "./runtime/errors/platform-start-error.js";
import type { RunningBot } from "./runtime/start-bot.js";
import type { RunningWorker } from "./runtime/start-worker.js";

/**
 * Starts the roles this process runs: `all` (bot and worker, the default), `bot`, or `worker`.
 * SIGTERM/SIGINT stop taking work, let the running edit finish (or hand it back), and close Redis.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
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
  // Ops endpoints first: /healthz answers (and /readyz says not ready) while Redis or the model loads.
  const ops = await startOps(config, redis, logger);
  // Wait for Redis with a readable message instead of crashing: it may simply not be up yet.
  while (true) {
    try {
      await redis.ping();
      break;
    } catch {
      logger.warn({ redisUrl: config.redisUrl.replace(/\/\/[^@]*@/, "//***@") }, "waiting for Redis…");
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  let worker: RunningWorker | undefined;
  let bot: RunningBot | undefined;
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await bot?.stop().catch((err) => logger.error({ err }, "bot did not stop cleanly"));
    await worker?.stop().catch((err) => logger.error({ err }, "worker did not stop cleanly"));
    await ops.stop().catch((err) => logger.warn({ err }, "ops endpoints did not stop cleanly"));
    redis.disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));
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
