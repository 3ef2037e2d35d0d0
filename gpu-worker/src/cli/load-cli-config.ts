import { type Config, ConfigError, loadConfig } from "../../../config/index.js";

/**
 * The settings for a command-line tool: a wrong setting is written to stderr as its one-sentence
 * message (no stack trace) and null returned, so the tool can exit with its usage status.
 */
export function loadCliConfig(): Config | null {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}
