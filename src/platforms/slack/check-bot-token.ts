import { webApi } from "@slack/bolt";
import type { Logger } from "../../logger.js";
import { BoltPinoLogger } from "./bolt-logger.js";
import type { SlackConfig } from "./slack-app.js";

/** Slack's answers that mean the token itself is wrong; no retry changes them. */
const TOKEN_REFUSED = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
  "team_access_not_granted",
]);

/**
 * auth.test with the bot token, once, without the Web API client's own retries (which would wait
 * up to half an hour in silence): the caller retries with a logged reason. Returns the bot's ids.
 */
export async function checkBotToken(
  cfg: SlackConfig,
  logger: Logger,
): Promise<{ botId: string; botUserId: string }> {
  const client = new webApi.WebClient(cfg.botToken, {
    // The client's own "http request failed" warning would repeat our retry line: errors only.
    logger: new BoltPinoLogger(logger.child({}, { level: "error" })),
    retryConfig: { retries: 0 },
    timeout: 10_000,
    ...(cfg.apiUrl ? { slackApiUrl: cfg.apiUrl } : {}),
  });
  const result = await client.auth.test();
  if (!result.bot_id || !result.user_id) {
    throw new webApi.WebAPIPlatformError({ ok: false, error: "not_allowed_token_type" });
  }
  return { botId: result.bot_id, botUserId: result.user_id };
}

/** The sentence for an error no retry can fix, naming the setting; null when retrying may help. */
export function fatalSlackError(err: unknown, setting: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN"): string | null {
  const code = (err as { data?: { error?: unknown } } | null)?.data?.error;
  if (typeof code === "string" && TOKEN_REFUSED.has(code)) {
    return `Slack refused ${setting} (${code}): copy it again from the app's settings page.`;
  }
  return null;
}
