import type { Config } from "../config/index.js";

/**
 * One platform's command definitions (Discord's JSON, Slack's manifest): `npm run commands:register`
 * prints or registers every platform in `registrars` (register.ts), so adding one is adding an entry.
 */
export interface Registrar {
  platform: string;
  isConfigured(config: Config): boolean;
  /** Shown when the platform's credentials are missing, naming the variables to set. */
  notConfigured: string;
  /** The definitions as text, for `--print` (and for pasting into the platform's console). */
  print(): string;
  /** Registers the definitions; resolves with a one-line summary for the user. */
  register(config: Config): Promise<string>;
}
