import type { Client } from "discord.js";
import type { Logger } from "../../logger.js";
import type { BotContext } from "../../runtime/bot-context.js";
import type { DiscordAdapter } from "./discord-adapter.js";

/** What every command, component and event handler of the Discord adapter gets. */
export interface DiscordHandlerContext {
  ctx: BotContext;
  client: Client;
  adapter: DiscordAdapter;
  logger: Logger;
  /** Hosts attachments may be downloaded from (DISCORD_ATTACHMENT_HOSTS). */
  attachmentHosts: readonly string[];
}
