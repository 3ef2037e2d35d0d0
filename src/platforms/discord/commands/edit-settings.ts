import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from "discord.js";
import { DISCORD_COMMAND, SETTINGS_OPTION } from "../../../../commands/discord-commands.js";
import { UserFacingError } from "../../../core/errors/user-facing-error.js";
import { parseSetting, type SettingField, type SettingsPatch } from "../../../core/team/channel-settings.js";
import type { ChannelScope } from "../../../queue/channel-settings-store.js";
import { actorFromInteraction } from "../discord-actor.js";
import { clipContent, NO_MENTIONS } from "../discord-views.js";
import type { DiscordHandlerContext } from "../handler-context.js";
import { definition } from "./command-module.js";

export const data = definition(DISCORD_COMMAND.editSettings);

const FIELDS: [SettingField, string][] = [
  ["strength", SETTINGS_OPTION.strength],
  ["steps", SETTINGS_OPTION.steps],
  ["sampler", SETTINGS_OPTION.sampler],
  ["rerun", SETTINGS_OPTION.rerun],
  ["tryStrengths", SETTINGS_OPTION.tryStrengths],
];

/**
 * `/edit-settings`: with no options it shows the channel's defaults (privately); with options a
 * moderator (Manage Messages or Manage Server here) changes them, and the change is announced in the
 * channel in one line. Settings belong to the channel a thread hangs under, not to the thread.
 */
export async function execute(
  interaction: ChatInputCommandInteraction,
  h: DiscordHandlerContext,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const channel = interaction.channel;
  const channelId = (channel?.isThread() ? channel.parentId : null) ?? interaction.channelId;
  const scope: ChannelScope = { platform: "discord", workspaceId: interaction.guildId ?? "dm", channelId };
  const patch: SettingsPatch = {};
  try {
    for (const [field, name] of FIELDS) {
      const value = interaction.options.get(name)?.value;
      if (value !== undefined && value !== null)
        (patch as Record<string, unknown>)[field] = parseSetting(field, String(value));
    }
  } catch (err) {
    if (!(err instanceof UserFacingError)) throw err;
    await interaction.editReply({ content: clipContent(err.userMessage), allowedMentions: NO_MENTIONS });
    return;
  }
  if (Object.keys(patch).length === 0) {
    await interaction.editReply({
      content: clipContent(await h.ctx.team.showSettings(scope)),
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const perms = interaction.memberPermissions;
  const actor = {
    ...actorFromInteraction(interaction),
    canModerate:
      (perms?.has(PermissionFlagsBits.ManageMessages) ?? false) ||
      (perms?.has(PermissionFlagsBits.ManageGuild) ?? false),
  };
  const outcome = await h.ctx.team.changeSettings(scope, actor, patch);
  await interaction.editReply({ content: clipContent(outcome.message), allowedMentions: NO_MENTIONS });
  if (outcome.announce) await h.adapter.announce(channelId, outcome.announce);
}
