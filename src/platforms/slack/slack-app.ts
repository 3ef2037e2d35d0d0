import { App } from "@slack/bolt";
import type { Config } from "../../../config/index.js";
import type { Logger } from "../../logger.js";
import { BoltPinoLogger } from "./bolt-logger.js";

export type SlackConfig = NonNullable<Config["slack"]>;

/**
 * The Bolt App, in Socket Mode when an app-level token is set (no public URL needed), otherwise
 * over HTTP at /slack/events with request signatures checked (bad or stale ones get 401).
 * `apiUrl` points the Web API elsewhere (GovSlack, a proxy, the test fake).
 * `identity` is the bot's ids from auth.test.
 */
export function createSlackApp(
  cfg: SlackConfig,
  logger: Logger,
  identity?: { botId: string; botUserId: string },
): App {
  const common = {
    token: cfg.botToken,
    // Known already (checkBotToken): Bolt then makes no auth.test call of its own, whose failure
    // nobody would be waiting for.
    ...identity,
    logger: new BoltPinoLogger(logger),
    ...(cfg.apiUrl ? { clientOptions: { slackApiUrl: cfg.apiUrl } } : {}),
  };
  if (cfg.appToken) {
    return new App({ ...common, appToken: cfg.appToken, socketMode: true });
  }
  if (!cfg.signingSecret) throw new Error("SLACK_SIGNING_SECRET is required for Slack over HTTP");
  return new App({
    ...common,
    signingSecret: cfg.signingSecret,
    endpoints: "/slack/events",
    // Ack first: the HTTP response goes out at ack(), the work continues after it.
    processBeforeResponse: false,
  });
}
