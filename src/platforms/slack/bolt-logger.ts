import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../logger.js";

/** Bolt's own log lines go through pino too, so they are structured and redacted like the rest. */
export class BoltPinoLogger implements BoltLogger {
  private level: LogLevel;

  constructor(private readonly pino: Logger) {
    this.level = toBoltLevel(pino.level);
  }

  debug(...msg: unknown[]): void {
    this.pino.debug(join(msg));
  }

  info(...msg: unknown[]): void {
    this.pino.info(join(msg));
  }

  warn(...msg: unknown[]): void {
    this.pino.warn(join(msg));
  }

  error(...msg: unknown[]): void {
    this.pino.error(join(msg));
  }

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  getLevel(): LogLevel {
    return this.level;
  }

  setName(): void {
    // pino's child bindings already name the component.
  }
}

function join(parts: unknown[]): string {
  return parts
    .map((p) => (p instanceof Error ? (p.stack ?? p.message) : typeof p === "string" ? p : safeJson(p)))
    .join(" ");
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function toBoltLevel(level: string): LogLevel {
  switch (level) {
    case "trace":
    case "debug":
      return LogLevel.DEBUG;
    case "info":
      return LogLevel.INFO;
    case "warn":
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}
