import type { DestinationStream } from "pino";
import { createLogger, type Logger } from "../../src/logger.js";

export type CapturedLine = Record<string, unknown> & { msg?: string; level?: number };

/** A real pino logger whose lines land in `lines`, for tests that check what was logged and why. */
export function captureLogger(level = "info"): { logger: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const destination: DestinationStream = {
    write(line: string) {
      lines.push(JSON.parse(line) as CapturedLine);
    },
  };
  return { logger: createLogger({ level }, destination), lines };
}
