// discord.js re-exports @discordjs/rest's REST client, so no extra dependency is needed.
import { type APIApplication, type APIApplicationCommand, REST, Routes } from "discord.js";
import type { Config } from "../config/index.js";
import { discordCommands } from "./discord-commands.js";
import type { Registrar } from "./registrar.js";

export interface DiscordRegistration {
  scope: "global" | "guild";
  applicationId: string;
  guildId?: string;
  commands: APIApplicationCommand[];
}

/**
 * Bulk-overwrites rf-edit's commands: to one guild when a guild id is given (visible at once, for
 * development), globally otherwise. The application id is asked from Discord when not configured.
 */
export async function registerDiscordCommands(options: {
  token: string;
  applicationId?: string;
  guildId?: string;
  apiUrl?: string;
}): Promise<DiscordRegistration> {
  const rest = new REST({ version: "10", ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(
    options.token,
  );
  const applicationId =
    options.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = options.guildId
    ? Routes.applicationGuildCommands(applicationId, options.guildId)
    : Routes.applicationCommands(applicationId);
  const commands = (await rest.put(route, { body: discordCommands })) as APIApplicationCommand[];
  return {
    scope: options.guildId ? "guild" : "global",
    applicationId,
    ...(options.guildId ? { guildId: options.guildId } : {}),
    commands,
  };
}

export const discordRegistrar: Registrar = {
  platform: "discord",
  isConfigured: (config: Config) => config.discord !== undefined,
  notConfigured:
    "Discord: DISCORD_TOKEN is not set, so there is nothing to register. Put the bot token in .env " +
    "(and DISCORD_GUILD_ID to register to one server at once instead of globally).",
  print: () => `${JSON.stringify(discordCommands, null, 2)}\n`,
  async register(config: Config): Promise<string> {
    const discord = config.discord;
    if (!discord) throw new Error("Discord is not configured");
    const result = await registerDiscordCommands({
      token: discord.token,
      applicationId: discord.applicationId,
      guildId: discord.guildId,
      apiUrl: discord.apiUrl,
    });
    const names = result.commands.map((c) => c.name).join(", ");
    return result.scope === "guild"
      ? `Discord: registered ${result.commands.length} commands to guild ${result.guildId} (${names}); they are usable now.`
      : `Discord: registered ${result.commands.length} global commands (${names}); Discord may take a while to show them everywhere.`;
  },
};
