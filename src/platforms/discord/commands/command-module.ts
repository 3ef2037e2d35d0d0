import type { CommandInteraction, RESTPostAPIApplicationCommandsJSONBody } from "discord.js";
import { discordCommands } from "../../../../commands/discord-commands.js";
import type { DiscordHandlerContext } from "../handler-context.js";

/** One slash or context-menu command, as in the discord.js guide: its definition and its handler. */
export interface CommandModule<I extends CommandInteraction = CommandInteraction> {
  data: RESTPostAPIApplicationCommandsJSONBody;
  execute(interaction: I, h: DiscordHandlerContext): Promise<void>;
}

/** The registered definition of a command (commands/discord-commands.ts is the one source). */
export function definition(name: string): RESTPostAPIApplicationCommandsJSONBody {
  const found = discordCommands.find((c) => c.name === name);
  if (!found) throw new Error(`no Discord command definition named "${name}"`);
  return found;
}
