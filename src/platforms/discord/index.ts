import { once } from "node:events";
import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import type { BotContext } from "../../runtime/bot-context.js";
import { connectWithRetry } from "../../runtime/connect-with-retry.js";
import type { PlatformHandle } from "../../runtime/start-bot.js";
import { DiscordAdapter } from "./discord-adapter.js";
import { onInteractionCreate } from "./events/interaction-create.js";
import { onMessageReactionAdd } from "./events/message-reaction-add.js";
import type { DiscordHandlerContext } from "./handler-context.js";

/**
 * Connects the Discord bot: no privileged intents (Guilds for channels, roles and threads;
 * GuildMessageReactions for re-runs), partials so reactions on uncached messages still arrive.
 * Discord unreachable at start (no network yet, an outage) is retried with backoff and a one-line
 * reason; a token Discord refuses stops the start with a sentence naming DISCORD_TOKEN.
 */
export async function startDiscord(ctx: BotContext): Promise<PlatformHandle> {
  const config = ctx.config.discord;
  if (!config) throw new Error("startDiscord needs DISCORD_TOKEN");
  const logger = ctx.logger.child({ platform: "discord" });
  const { client, adapter } = await connectWithRetry({
    platform: "discord",
    what: "connect to Discord",
    logger,
    fatal: fatalDiscordError,
    // A fresh client each time: discord.js' login tears its client down when it fails.
    attempt: async () => {
      const client = new Client({
        intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
        partials: [
          Partials.Message,
          Partials.Channel,
          Partials.Reaction,
          Partials.User,
          Partials.GuildMember,
        ],
        // A rate-limit proxy (DISCORD_API_URL) serves REST; the gateway address then comes from it.
        ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}),
      });
      const adapter = new DiscordAdapter(client.rest, logger);
      const h: DiscordHandlerContext = {
        ctx,
        client,
        adapter,
        logger,
        attachmentHosts: config.attachmentHosts,
      };
      client.on(Events.InteractionCreate, onInteractionCreate(h));
      client.on(Events.MessageReactionAdd, onMessageReactionAdd(h));
      client.on(Events.Error, (err) => logger.error({ err }, "discord client error"));
      client.rest.on("rateLimited", (info) => logger.debug({ info }, "discord REST rate-limited; waiting"));
      const ready = once(client, Events.ClientReady);
      ready.catch(() => {});
      try {
        await client.login(config.token);
        await ready;
      } catch (err) {
        await client.destroy().catch(() => {});
        throw err;
      }
      return { client, adapter };
    },
  });
  ctx.register(adapter);
  logger.info({ user: client.user?.tag }, "discord bot is connected");
  return {
    name: "discord",
    async stop() {
      await client.destroy();
    },
  };
}

/** Errors a retry cannot fix, as the sentence the operator needs; null for anything transient. */
function fatalDiscordError(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "TokenInvalid") {
    return "Discord refused DISCORD_TOKEN: copy the bot token again from the developer portal (Bot → Reset Token).";
  }
  if (code === "DisallowedIntents") {
    return "Discord refused the bot's intents: it needs no privileged ones, so check the application in the developer portal.";
  }
  return null;
}
