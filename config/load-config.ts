import { config as loadDotenv } from "dotenv";
import type { z } from "zod";
import { redactRedisUrl } from "../src/queue/redis-url.js";
import { type Config, toConfig } from "./config.js";
import { ConfigError } from "./config-error.js";
import { envSchema } from "./schema.js";

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? "(environment)");
  // A URL's password must not reach a log line or a terminal.
  const raw = name.endsWith("_URL") && env[name] ? redactRedisUrl(env[name]) : env[name];
  const shown =
    raw === undefined ? "" : ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)})`;
  // A custom check words its whole sentence itself ("the port "6380x" is not a number...").
  if (issue.code === "custom") return `${name}${shown}: ${issue.message}`;
  let allowed = issue.message;
  if (issue.code === "invalid_value" && "values" in issue) {
    allowed = `one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (issue.code === "too_small" && "minimum" in issue) {
    allowed = `at least ${String(issue.minimum)}`;
  } else if (issue.code === "too_big" && "maximum" in issue) {
    allowed = `at most ${String(issue.maximum)}`;
  } else if (issue.code === "invalid_type") {
    allowed = issue.expected === "number" ? "a number" : `a ${issue.expected}`;
  }
  // "must start with..." stands on its own; "a number" reads "must be a number".
  return `${name}${shown}: ${/^must /i.test(allowed) ? allowed : `must be ${allowed}`}`;
}

/**
 * Validates the environment into the one Config object. Secrets come only from the environment;
 * `.env` is read when present (dotenv never overrides variables already set).
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, env)));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    problems.push(
      "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: one is required with SLACK_BOT_TOKEN (HTTP or Socket Mode)",
    );
  }
  if (!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    problems.push("SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set");
  }
  if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith("xapp-")) {
    problems.push("SLACK_APP_TOKEN: must be an app-level token starting with xapp-");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(e);
}

export function loadConfig(options: { dotenvPath?: string } = {}): Config {
  loadDotenv({ path: options.dotenvPath, quiet: true });
  return parseConfig(process.env);
}
