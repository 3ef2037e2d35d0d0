import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "@slack/bolt";
import type { BotContext } from "../../runtime/bot-context.js";
import { connectWithRetry } from "../../runtime/connect-with-retry.js";
import type { PlatformHandle } from "../../runtime/start-bot.js";
import { checkBotToken, fatalSlackError } from "./check-bot-token.js";
import { ImageLocator } from "./image-locator.js";
import { registerListeners } from "./listeners/index.js";
import { ModalStateStore } from "./modal-state-store.js";
import { SlackActors } from "./slack-actors.js";
import { SlackAdapter } from "./slack-adapter.js";
import { createSlackApp } from "./slack-app.js";
import { imageInputFor } from "./slack-file.js";
import { WorkPool } from "./work-pool.js";

/** Requests worked on at once after their acks (see WorkPool). */
const WORK_CONCURRENCY = 4;

export interface SlackHandle extends PlatformHandle {
  app: App;
  /** The HTTP receiver's port (useful with SLACK_PORT=0); undefined in Socket Mode. */
  port?: number;
  mode: "http" | "socket";
}

/**
 * Starts the Slack app on the shared core: checks the token with Slack (retrying with backoff and a
 * one-line reason while Slack is unreachable; a refused token stops the start with a sentence naming
 * SLACK_BOT_TOKEN), then registers the adapter and the listeners, and connects.
 */
export async function startSlack(ctx: BotContext): Promise<SlackHandle> {
  const cfg = ctx.config.slack;
  if (!cfg) throw new Error("Slack is not configured (SLACK_BOT_TOKEN)");
  const logger = ctx.logger.child({ platform: "slack" });
  const identity = await connectWithRetry({
    platform: "slack",
    what: "reach Slack",
    logger,
    fatal: (err) => fatalSlackError(err, "SLACK_BOT_TOKEN"),
    attempt: () => checkBotToken(cfg, logger),
  });
  const app = createSlackApp(cfg, logger, identity);
  const adapter = new SlackAdapter(app.client, logger);
  ctx.register(adapter);
  registerListeners(app, {
    service: ctx.service,
    team: ctx.team,
    defaults: ctx.config.defaults,
    logger,
    actors: new SlackActors(app.client, logger),
    locator: new ImageLocator(app.client),
    adapter,
    imageFor: (file) => imageInputFor(file, cfg.botToken, cfg.fileHosts),
    work: new WorkPool(logger, WORK_CONCURRENCY),
    modalState: new ModalStateStore(ctx.redis, ctx.config.keyPrefix),
    maxPromptChars: ctx.config.limits.maxPromptChars,
  });
  app.error(async (err) => {
    logger.error({ err }, "slack app error");
  });
  const mode = cfg.appToken ? "socket" : "http";
  let port: number | undefined;
  if (mode === "socket") {
    await connectWithRetry({
      platform: "slack",
      what: "open Slack's Socket Mode connection",
      logger,
      fatal: (err) => fatalSlackError(err, "SLACK_APP_TOKEN"),
      attempt: () => app.start(),
    });
  } else {
    const server = (await app.start(cfg.port)) as Server;
    port = (server.address() as AddressInfo).port;
  }
  logger.info({ mode, port, apiUrl: cfg.apiUrl ?? "slack.com" }, "slack app started");
  return {
    name: "slack",
    app,
    port,
    mode,
    async stop() {
      await app.stop();
    },
  };
}
