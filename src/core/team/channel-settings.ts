import type { ChannelSettings } from "../../queue/channel-settings-store.js";
import { UserFacingError } from "../errors/user-facing-error.js";
import { formatStrength } from "../messages.js";

/**
 * /edit-settings: the words and rules of channel defaults, the same on every platform. Adapters hand
 * in raw strings (slash-command options, modal fields, "key=value" text) and get back a checked
 * patch, or one friendly sentence about the first thing wrong.
 */

export type SettingsPatch = { [K in keyof ChannelSettings]?: ChannelSettings[K] | null };

/** The fields, in the order every platform shows them; `null` in a patch clears back to the bot's default. */
export const SETTING_FIELDS = ["strength", "steps", "sampler", "rerun", "tryStrengths"] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

export const SETTING_LABELS: Record<SettingField, string> = {
  strength: "the default strength",
  steps: "the default steps",
  sampler: "the default sampler",
  rerun: "who may re-run",
  tryStrengths: "Try strengths",
};

/** The option names people type (Discord options, Slack modal fields, playground text). */
export const SETTING_OPTION_NAMES: Record<SettingField, string> = {
  strength: "strength",
  steps: "steps",
  sampler: "sampler",
  rerun: "rerun",
  tryStrengths: "try-strengths",
};

export const SETTINGS_USAGE =
  'Use /edit-settings strength=0.6 steps=20 sampler=ode|sde rerun=anyone|requester try-strengths=on|off ("default" clears one).';

const CLEAR = new Set(["default", "reset", "clear", "none"]);

/** One raw value -> its checked setting, or a sentence saying what is allowed. */
export function parseSetting(field: SettingField, raw: string): ChannelSettings[SettingField] | null {
  const v = raw.trim().toLowerCase();
  if (CLEAR.has(v)) return null;
  switch (field) {
    case "strength": {
      const n = Number(v);
      if (v === "" || !Number.isFinite(n) || n < 0 || n > 1)
        throw bad("The default strength is a number from 0 to 1, e.g. 0.6.");
      return Math.round(n * 100) / 100;
    }
    case "steps": {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw bad("Default steps is a whole number from 1 to 50.");
      return n;
    }
    case "sampler":
      if (v === "ode" || v === "sde") return v;
      throw bad("The sampler is ode (deterministic) or sde (stochastic).");
    case "rerun":
      if (v === "anyone" || v === "requester") return v;
      throw bad("Who may re-run is anyone or requester.");
    case "tryStrengths":
      if (["on", "yes", "true", "allowed", "allow"].includes(v)) return true;
      if (["off", "no", "false", "forbidden", "deny"].includes(v)) return false;
      throw bad("Try strengths is on or off.");
  }
}

/** "strength=0.6 sampler=ode" (or "strength 0.6"), from the playground and Slack's command text. */
export function parseSettingsText(text: string): SettingsPatch {
  const patch: SettingsPatch = {};
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    let [name, value] = tokens[i].split("=", 2);
    if (value === undefined) {
      value = tokens[i + 1];
      i++;
    }
    const field = fieldNamed(name);
    if (!field) throw bad(`I don't know the setting "${name.slice(0, 40)}". ${SETTINGS_USAGE}`);
    if (value === undefined || value === "") throw bad(`Give ${name} a value. ${SETTINGS_USAGE}`);
    (patch as Record<string, unknown>)[field] = parseSetting(field, value);
  }
  return patch;
}

export function fieldNamed(name: string): SettingField | null {
  const n = name.trim().toLowerCase().replace(/_/g, "-");
  for (const f of SETTING_FIELDS) if (SETTING_OPTION_NAMES[f] === n || f.toLowerCase() === n) return f;
  return null;
}

export function formatSetting(
  field: SettingField,
  value: ChannelSettings[SettingField] | null | undefined,
): string {
  if (value === undefined || value === null) return "the bot's default";
  switch (field) {
    case "strength":
      return formatStrength(value as number);
    case "tryStrengths":
      return value ? "allowed" : "off";
    default:
      return String(value);
  }
}

/** Applies a patch; the fields that really changed come back for the announcement. */
export function applyPatch(
  current: ChannelSettings,
  patch: SettingsPatch,
): { next: ChannelSettings; changed: SettingField[] } {
  const next: ChannelSettings = { ...current };
  const changed: SettingField[] = [];
  for (const field of SETTING_FIELDS) {
    if (!(field in patch)) continue;
    const value = patch[field];
    if (value === undefined) continue;
    if (value === null) {
      if (next[field] !== undefined) changed.push(field);
      delete next[field];
    } else if (next[field] !== value) {
      (next as Record<string, unknown>)[field] = value;
      changed.push(field);
    }
  }
  return { next, changed };
}

/** The one line announced in the channel: "@ann set the default strength to 0.6 and the default sampler to ode". */
export function settingsAnnouncement(who: string, next: ChannelSettings, changed: SettingField[]): string {
  const parts = changed.map((f) => `${SETTING_LABELS[f]} to ${formatSetting(f, next[f])}`);
  const list = parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `⚙️ @${who} set ${list}.`;
}

/** /edit-settings with no arguments: what this channel uses. */
export function settingsSummary(
  s: ChannelSettings,
  botDefaults: { strength: number; sampler: string; rerun: string },
): string {
  return [
    "This channel's edit defaults:",
    `• strength: ${s.strength !== undefined ? formatStrength(s.strength) : `${formatStrength(botDefaults.strength)} (bot default)`}`,
    `• steps: ${s.steps ?? "the sampler's default"}`,
    `• sampler: ${s.sampler ?? `${botDefaults.sampler} (bot default)`}`,
    `• who may re-run: ${s.rerun ?? `${botDefaults.rerun} (bot default)`}`,
    `• Try strengths: ${s.tryStrengths === false ? "off" : "allowed"}`,
    "Moderators change them with /edit-settings.",
  ].join("\n");
}

export const SETTINGS_NOT_ALLOWED =
  "Only this channel's moderators can change its edit defaults (Discord: Manage Messages or Manage Server; Slack: workspace admins or the channel's creator).";

export const TRY_STRENGTHS_OFF =
  "Try strengths is turned off in this channel (a moderator can allow it with /edit-settings).";

function bad(message: string): UserFacingError {
  return new UserFacingError("bad_option", message);
}
