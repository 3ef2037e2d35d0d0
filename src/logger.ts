import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log record. Tokens must never reach a log line,
 * even when a whole config or request object is logged by mistake.
 */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "*.*.token",
  "botToken",
  "*.botToken",
  "*.*.botToken",
  "appToken",
  "*.appToken",
  "*.*.appToken",
  "signingSecret",
  "*.signingSecret",
  "*.*.signingSecret",
  "adminToken",
  "*.adminToken",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "DISCORD_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_SIGNING_SECRET",
  "ADMIN_TOKEN",
  "*.DISCORD_TOKEN",
  "*.SLACK_BOT_TOKEN",
  "*.SLACK_APP_TOKEN",
  "*.SLACK_SIGNING_SECRET",
  "*.ADMIN_TOKEN",
];

/** Secret-looking substrings inside free text (error messages, URLs) are masked as well. */
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}\b/g,
  /(Bot|Bearer)\s+[A-Za-z0-9._-]{10,}/g,
];

/** `scheme://user:password@host`: the password goes, the rest (host, user) stays readable. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi;

export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS)
    out = out.replace(re, (m) => (m.startsWith("B") ? `${m.split(/\s+/)[0]} [Redacted]` : "[Redacted]"));
  return out.replace(URL_CREDENTIALS, "$1[Redacted]@");
}

/** Field names whose values are secrets at any depth (the paths above stop at a fixed depth). */
const SECRET_KEY =
  /^(token|botToken|appToken|signingSecret|adminToken|authorization|cookie|password|DISCORD_TOKEN|SLACK_BOT_TOKEN|SLACK_APP_TOKEN|SLACK_SIGNING_SECRET|ADMIN_TOKEN)$/i;
const MAX_REDACT_DEPTH = 8;

/**
 * Copy-on-write walk of plain objects and arrays: secret-named fields are blanked and secret-looking
 * text masked wherever they sit. The caller's object is never changed, and class instances (clients,
 * buffers, errors) are left to their serializers.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object" || depth > MAX_REDACT_DEPTH || seen.has(value))
    return value;
  seen.add(value);
  if (Array.isArray(value)) {
    const mapped = value.map((v) => redactDeep(v, depth + 1, seen));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const r =
      SECRET_KEY.test(k) && v !== undefined && v !== null ? "[Redacted]" : redactDeep(v, depth + 1, seen);
    if (r !== v) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[k] = r;
    }
  }
  return copy ?? value;
}

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: options.name ?? "rf-edit",
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
      formatters: {
        log(record) {
          return redactDeep(record) as Record<string, unknown>;
        },
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          if (s && typeof s.message === "string") s.message = redactText(s.message);
          if (s && typeof s.stack === "string") s.stack = redactText(s.stack);
          return s;
        },
      },
      hooks: {
        logMethod(args, method) {
          const a = args as unknown[];
          for (let i = 0; i < a.length; i++) if (typeof a[i] === "string") a[i] = redactText(a[i] as string);
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
}
