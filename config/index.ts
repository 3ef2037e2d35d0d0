export type { Config } from "./config.js";
export { ConfigError } from "./config-error.js";
export { EULER_STEPS, editSteps, MIDPOINT_STEPS } from "./edit-steps.js";
export { loadConfig, parseConfig } from "./load-config.js";
export { type Misspelling, misspelledSettings } from "./misspelled-settings.js";
export { DISCORD_CDN_HOSTS, type Env, envSchema, SLACK_FILE_HOSTS } from "./schema.js";
