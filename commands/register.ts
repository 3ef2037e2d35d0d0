import { pathToFileURL } from "node:url";
import { type Config, ConfigError, loadConfig } from "../config/index.js";
import { redactText } from "../src/logger.js";
import { discordRegistrar } from "./discord-registrar.js";
import type { Registrar } from "./registrar.js";

/** Every platform whose commands `npm run commands:register` handles; Slack's manifest joins here. */
export const registrars: Registrar[] = [discordRegistrar];

const USAGE = `Usage: npm run commands:register -- [--print] [platform...]
  Registers rf-edit's commands with every configured platform (${registrars.map((r) => r.platform).join(", ")}).
  --print   print the definitions instead of registering them (no credentials needed)
  platform  only these platforms`;

export interface RegisterCliOptions {
  argv: string[];
  config: () => Config;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The command-line tool, testable: resolves with the exit code. */
export async function runRegisterCli(options: RegisterCliOptions): Promise<number> {
  const print = options.argv.includes("--print");
  if (options.argv.includes("--help") || options.argv.includes("-h")) {
    options.out(`${USAGE}\n`);
    return 0;
  }
  const wanted = options.argv.filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !registrars.some((r) => r.platform === w));
  if (unknown.length > 0) {
    options.err(`Unknown platform: ${unknown.join(", ")}\n${USAGE}\n`);
    return 2;
  }
  const selected = wanted.length > 0 ? registrars.filter((r) => wanted.includes(r.platform)) : registrars;

  if (print) {
    for (const registrar of selected) options.out(registrar.print());
    return 0;
  }

  let config: Config;
  try {
    config = options.config();
  } catch (error) {
    if (error instanceof ConfigError) {
      options.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const configured = selected.filter((r) => r.isConfigured(config));
  for (const registrar of selected) {
    if (!configured.includes(registrar)) options.err(`${registrar.notConfigured}\n`);
  }
  if (configured.length === 0) {
    options.err("Nothing was registered. Run with --print to see the definitions without credentials.\n");
    return 1;
  }

  let failed = false;
  for (const registrar of configured) {
    try {
      options.out(`${await registrar.register(config)}\n`);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      options.err(`${registrar.platform}: registration failed: ${redactText(message)}\n`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRegisterCli({
    argv: process.argv.slice(2),
    config: () => loadConfig(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
