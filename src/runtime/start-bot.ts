import type { Config } from "../../config/index.js";
import type { Logger } from "../logger.js";
import type { RedisLike } from "../queue/redis-connection.js";
import { BotContext } from "./bot-context.js";

export interface PlatformHandle {
  name: string;
  stop(): Promise<void>;
}

export type PlatformStarter = (ctx: BotContext) => Promise<PlatformHandle>;

export interface RunningBot {
  ctx: BotContext;
  platforms: PlatformHandle[];
  stop(): Promise<void>;
}

/**
 * Starts every configured platform on one shared core, then the delivery consumer (so a result that
 * finished while the bot was down finds its adapter ready).
 */
export async function startBot(config: Config, redis: RedisLike, logger: Logger): Promise<RunningBot> {
  const ctx = new BotContext(config, redis, logger);
  const starters: PlatformStarter[] = [];
  if (config.discord) starters.push((await import("../platforms/discord/index.js")).startDiscord);
  if (config.slack) starters.push((await import("../platforms/slack/index.js")).startSlack);
  if (config.playground.enabled)
    starters.push((await import("../platforms/playground/index.js")).startPlayground);
  const platforms: PlatformHandle[] = [];
  for (const start of starters) platforms.push(await start(ctx));
  await ctx.startDeliveries();
  logger.info({ platforms: platforms.map((p) => p.name) }, "bot is up");
  return {
    ctx,
    platforms,
    async stop() {
      for (const p of platforms.reverse())
        await p.stop().catch((err) => logger.warn({ err, platform: p.name }, "stop failed"));
      await ctx.close();
    },
  };
}
