import { z } from "zod";
import { RedisUrlError } from "../src/queue/errors/redis-url-error.js";
import { parseRedisUrl } from "../src/queue/redis-url.js";

/**
 * Every setting rf-edit reads, in one schema, each documented in `.env.example` and the README's
 * settings table. Values arrive as strings from the environment, so numbers and lists
 * are coerced here, once, rather than at each use.
 */

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const hostList = (fallback: string[]) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v : undefined),
    z
      .string()
      .optional()
      .transform((v) =>
        v === undefined
          ? fallback
          : v
              .split(",")
              .map((h) => h.trim().toLowerCase())
              .filter((h) => h.length > 0),
      ),
  );

const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

const optionalInt = (min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional());

const num = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().min(min).max(max).default(fallback));

const port = (fallback: number) => int(fallback, 0, 65535);

const url = (fallback?: string) =>
  fallback === undefined
    ? z.preprocess(emptyToUndefined, z.url().optional())
    : z.preprocess(emptyToUndefined, z.url().default(fallback));

export const DISCORD_CDN_HOSTS = ["cdn.discordapp.com", "media.discordapp.net"];
export const SLACK_FILE_HOSTS = ["files.slack.com", "files-edu.slack.com", "files-origin.slack.com"];

export const envSchema = z.object({
  ROLE: z.preprocess(emptyToUndefined, z.enum(["all", "bot", "worker"]).default("all")),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default("redis://127.0.0.1:6379")
      .superRefine((url, ctx) => {
        try {
          parseRedisUrl(url);
        } catch (err) {
          if (!(err instanceof RedisUrlError)) throw err;
          ctx.addIssue({ code: "custom", message: err.problem });
        }
      }),
  ),
  KEY_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only")
      .default("rf-edit"),
  ),
  MODEL_DIR: optionalString,
  EXECUTION_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["auto", "cuda", "cpu"]).default("auto")),
  TEXT_ENCODER_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["same", "cpu"]).default("same")),
  VAE_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["same", "cpu"]).default("same")),
  PROMPT_CACHE_TTL_SECONDS: int(24 * 3600, 0, 365 * 24 * 3600),

  DISCORD_TOKEN: optionalString,
  DISCORD_GUILD_ID: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^\d+$/, "a numeric guild id").optional(),
  ),
  DISCORD_APPLICATION_ID: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^\d+$/, "a numeric application id").optional(),
  ),
  DISCORD_API_URL: url(),
  DISCORD_ATTACHMENT_HOSTS: hostList(DISCORD_CDN_HOSTS),

  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_PORT: port(3000),
  SLACK_API_URL: url(),
  SLACK_FILE_HOSTS: z.preprocess(emptyToUndefined, z.string().optional()),

  PLAYGROUND_PORT: port(8080),
  PLAYGROUND_HOST: z.preprocess(emptyToUndefined, z.string().default("127.0.0.1")),
  PLAYGROUND_HOSTS: hostList([]),
  METRICS_PORT: port(9464),
  METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default("127.0.0.1")),
  ADMIN_TOKEN: optionalString,
  RERUN_POLICY: z.preprocess(emptyToUndefined, z.enum(["anyone", "requester"]).default("anyone")),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),

  // Limits and defaults (extras, documented in .env.example).
  IMAGE_TTL_SECONDS: int(7 * 24 * 3600, 60, 365 * 24 * 3600),
  CACHE_TTL_SECONDS: int(24 * 3600, 60, 365 * 24 * 3600),
  MAX_IMAGE_BYTES: int(20 * 1024 * 1024, 1024, 200 * 1024 * 1024),
  MAX_IMAGE_PIXELS: int(40_000_000, 256, 500_000_000),
  DOWNLOAD_TIMEOUT_MS: int(15_000, 100, 300_000),
  TARGET_MEGAPIXELS: num(1, 0.0625, 4),
  INTAKE_CONCURRENCY: int(4, 1, 256),
  INTAKE_QUEUE: int(32, 0, 10_000),
  MAX_PROMPT_CHARS: int(1000, 1, 10_000),
  RATE_LIMIT_PER_MINUTE: num(6, 0.1, 10_000),
  RATE_LIMIT_BURST: int(3, 1, 10_000),
  MAX_QUEUED_PER_USER: int(3, 1, 1000),
  MAX_QUEUE_LENGTH: int(100, 1, 1_000_000),
  // Unset: chosen per sampler and solver (config/edit-steps.ts).
  DEFAULT_STEPS: optionalInt(1, 200),
  DEFAULT_SOLVER: z.preprocess(emptyToUndefined, z.enum(["euler", "midpoint"]).default("midpoint")),
  INVERSION_STEPS: optionalInt(1, 200),
  DEFAULT_STRENGTH: num(0.5, 0, 1),
  DEFAULT_SAMPLER: z.preprocess(emptyToUndefined, z.enum(["ode", "sde"]).default("sde")),
  DEFAULT_GAMMA: num(0.5, 0, 1),
  DEFAULT_ETA: num(0.9, 0, 1),
  DEFAULT_GUIDANCE: num(3.5, 0, 30),
  INVERSION_SEED: int(0, 0, 2 ** 31 - 1),
  WORKER_CONCURRENCY: int(1, 1, 64),
  STATUS_UPDATE_MS: int(2000, 100, 60_000),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 1000, 600_000),
  NO_WORKER_NOTICE_MS: int(60_000, 0, 24 * 3600_000),
  SWEEP_INTERVAL_MS: int(60_000, 100, 3600_000),
});

export type Env = z.infer<typeof envSchema>;
