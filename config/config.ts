import type { Env } from "./schema.js";
import { SLACK_FILE_HOSTS } from "./schema.js";

/** The one typed configuration object every part of rf-edit receives. */
export interface Config {
  role: Env["ROLE"];
  redisUrl: string;
  keyPrefix: string;
  logLevel: Env["LOG_LEVEL"];
  model: {
    dir?: string;
    executionProvider: Env["EXECUTION_PROVIDER"];
    /** "cpu": CLIP and T5 run on the CPU whatever executionProvider says. */
    textEncoderProvider: Env["TEXT_ENCODER_PROVIDER"];
    vaeProvider: Env["VAE_PROVIDER"];
    /** How long prompt embeddings stay in Redis; 0 turns the shared cache off. */
    promptCacheTtlSeconds: number;
  };
  discord?: {
    token: string;
    guildId?: string;
    applicationId?: string;
    apiUrl?: string;
    attachmentHosts: string[];
  };
  slack?: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    port: number;
    apiUrl?: string;
    fileHosts: string[];
  };
  /** `hosts`: extra names the page may be reached by (the `Host` header), besides loopback ones. */
  playground: { enabled: boolean; host: string; port: number; hosts: string[] };
  metricsPort: number;
  /** Loopback by default: /metrics and the dashboard are not for the whole LAN (containers set 0.0.0.0). */
  metricsHost: string;
  adminToken?: string;
  rerunPolicy: Env["RERUN_POLICY"];
  limits: {
    imageTtlSeconds: number;
    cacheTtlSeconds: number;
    maxImageBytes: number;
    maxImagePixels: number;
    downloadTimeoutMs: number;
    targetMegapixels: number;
    /** Intakes (download, decode, normalise, store) at once, and how many may wait for a slot. */
    intakeConcurrency: number;
    intakeQueue: number;
    maxPromptChars: number;
    ratePerMinute: number;
    rateBurst: number;
    maxQueuedPerUser: number;
    maxQueueLength: number;
  };
  defaults: {
    /** Unset: chosen per sampler and solver by editSteps (edit-steps.ts). */
    steps?: number;
    strength: number;
    sampler: Env["DEFAULT_SAMPLER"];
    solver: Env["DEFAULT_SOLVER"];
    /** Unset: chosen per sampler and solver by editSteps (edit-steps.ts). */
    inversionSteps?: number;
    gamma: number;
    eta: number;
    guidance: number;
    inversionSeed: number;
  };
  worker: { concurrency: number };
  statusUpdateMs: number;
  /** SIGTERM to exit, whatever Redis does: the running edit finishes or is handed back within it. */
  shutdownTimeoutMs: number;
  /** How long no GPU worker may be online before queued jobs say so. */
  noWorkerNoticeMs: number;
  /** How often the bot checks that every open job is still running or has been told its end. */
  sweepIntervalMs: number;
}

/**
 * Slack's file hosts follow its API host: GovSlack's API at slack-gov.com serves files from
 * files.slack-gov.com. Derived hosts are the API's own host (with its port) and `files.` under it,
 * never a parent domain: `https://api.example.com/api/` must not open all of example.com.
 */
function slackFileHosts(env: Env): string[] {
  if (env.SLACK_FILE_HOSTS) {
    return env.SLACK_FILE_HOSTS.split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0);
  }
  if (env.SLACK_API_URL) {
    const api = new URL(env.SLACK_API_URL);
    const apiHost = api.hostname.toLowerCase();
    if (apiHost !== "slack.com" && !apiHost.endsWith(".slack.com")) {
      const port = api.port ? `:${api.port}` : "";
      return [`${apiHost}${port}`, `files.${apiHost}${port}`];
    }
  }
  return SLACK_FILE_HOSTS;
}

export function toConfig(env: Env): Config {
  const discord = env.DISCORD_TOKEN
    ? {
        token: env.DISCORD_TOKEN,
        guildId: env.DISCORD_GUILD_ID,
        applicationId: env.DISCORD_APPLICATION_ID,
        apiUrl: env.DISCORD_API_URL,
        attachmentHosts: env.DISCORD_ATTACHMENT_HOSTS,
      }
    : undefined;
  const slack = env.SLACK_BOT_TOKEN
    ? {
        botToken: env.SLACK_BOT_TOKEN,
        signingSecret: env.SLACK_SIGNING_SECRET,
        appToken: env.SLACK_APP_TOKEN,
        port: env.SLACK_PORT,
        apiUrl: env.SLACK_API_URL,
        fileHosts: slackFileHosts(env),
      }
    : undefined;
  return {
    role: env.ROLE,
    redisUrl: env.REDIS_URL,
    keyPrefix: env.KEY_PREFIX,
    logLevel: env.LOG_LEVEL,
    model: {
      dir: env.MODEL_DIR,
      executionProvider: env.EXECUTION_PROVIDER,
      textEncoderProvider: env.TEXT_ENCODER_PROVIDER,
      vaeProvider: env.VAE_PROVIDER,
      promptCacheTtlSeconds: env.PROMPT_CACHE_TTL_SECONDS,
    },
    discord,
    slack,
    playground: {
      enabled: !discord && !slack,
      host: env.PLAYGROUND_HOST,
      port: env.PLAYGROUND_PORT,
      hosts: env.PLAYGROUND_HOSTS,
    },
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    adminToken: env.ADMIN_TOKEN,
    rerunPolicy: env.RERUN_POLICY,
    limits: {
      imageTtlSeconds: env.IMAGE_TTL_SECONDS,
      cacheTtlSeconds: env.CACHE_TTL_SECONDS,
      maxImageBytes: env.MAX_IMAGE_BYTES,
      maxImagePixels: env.MAX_IMAGE_PIXELS,
      downloadTimeoutMs: env.DOWNLOAD_TIMEOUT_MS,
      targetMegapixels: env.TARGET_MEGAPIXELS,
      intakeConcurrency: env.INTAKE_CONCURRENCY,
      intakeQueue: env.INTAKE_QUEUE,
      maxPromptChars: env.MAX_PROMPT_CHARS,
      ratePerMinute: env.RATE_LIMIT_PER_MINUTE,
      rateBurst: env.RATE_LIMIT_BURST,
      maxQueuedPerUser: env.MAX_QUEUED_PER_USER,
      maxQueueLength: env.MAX_QUEUE_LENGTH,
    },
    defaults: {
      steps: env.DEFAULT_STEPS,
      strength: env.DEFAULT_STRENGTH,
      sampler: env.DEFAULT_SAMPLER,
      solver: env.DEFAULT_SOLVER,
      inversionSteps: env.INVERSION_STEPS,
      gamma: env.DEFAULT_GAMMA,
      eta: env.DEFAULT_ETA,
      guidance: env.DEFAULT_GUIDANCE,
      inversionSeed: env.INVERSION_SEED,
    },
    worker: { concurrency: env.WORKER_CONCURRENCY },
    statusUpdateMs: env.STATUS_UPDATE_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    noWorkerNoticeMs: env.NO_WORKER_NOTICE_MS,
    sweepIntervalMs: env.SWEEP_INTERVAL_MS,
  };
}
