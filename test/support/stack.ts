import { randomBytes } from "node:crypto";
import { type Config, parseConfig } from "../../config/index.js";
import type { FluxModel } from "../../gpu-worker/src/flux/types.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { createRedis, type RedisLike } from "../../src/queue/redis-connection.js";
import { BotContext } from "../../src/runtime/bot-context.js";
import { type RunningWorker, startWorker } from "../../src/runtime/start-worker.js";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix no other test file uses, so files can share one Redis. */
export function uniquePrefix(name: string): string {
  return `rft-${name}-${randomBytes(4).toString("hex")}`;
}

export function testConfig(prefix: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    REDIS_URL,
    KEY_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    DEFAULT_STEPS: "4",
    TARGET_MEGAPIXELS: "0.0625",
    STATUS_UPDATE_MS: "100",
    RATE_LIMIT_PER_MINUTE: "600",
    RATE_LIMIT_BURST: "50",
    MAX_QUEUED_PER_USER: "20",
    ...env,
  });
}

export function testLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
}

/** Deletes every key of a prefix (BullMQ's `{prefix}` keys too). */
export async function cleanPrefix(redis: RedisLike, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await (redis as import("ioredis").Redis).scan(
        cursor,
        "MATCH",
        pattern,
        "COUNT",
        1000,
      );
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  }
}

export interface Stack {
  config: Config;
  redis: RedisLike;
  ctx: BotContext;
  worker?: RunningWorker;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * The bot core and (optionally) a GPU worker on the tiny model, against the real Redis, under a
 * prefix of their own. Platforms register adapters on `ctx` before `ctx.startDeliveries()`.
 */
export async function startStack(
  o: {
    prefix: string;
    env?: Record<string, string>;
    worker?: boolean;
    model?: FluxModel;
    /** Where bot and worker log (e.g. a capturing logger); silent by default. */
    logger?: Logger;
  } = {
    prefix: uniquePrefix("stack"),
  },
): Promise<Stack> {
  const config = testConfig(o.prefix, o.env);
  const logger = o.logger ?? testLogger();
  const redis = createRedis(config.redisUrl, logger, "test");
  const ctx = new BotContext(config, redis, logger);
  const worker = o.worker === false ? undefined : await startWorker(config, redis, logger, o.model);
  return {
    config,
    redis,
    ctx,
    worker,
    logger,
    async close() {
      await ctx.close();
      await worker?.stop();
      await cleanPrefix(redis, o.prefix);
      redis.disconnect();
    },
  };
}
