import {
  type BaseInteraction,
  type GuildMember,
  type PartialUser,
  PermissionFlagsBits,
  type User,
} from "discord.js";
import type { Actor } from "../../core/types.js";

/** What people see as someone's name: their server nickname, else their display name. */
export function displayName(user: User | PartialUser, member?: GuildMember | null): string {
  return member?.displayName ?? user.globalName ?? user.username ?? user.id;
}

/** The person behind an interaction; Discord sends their channel permissions with it. */
export function actorFromInteraction(interaction: BaseInteraction): Actor {
  const member = interaction.inCachedGuild() ? interaction.member : null;
  const name =
    member?.displayName ??
    (interaction.member && "nick" in interaction.member && typeof interaction.member.nick === "string"
      ? interaction.member.nick
      : undefined) ??
    interaction.user.globalName ??
    interaction.user.username;
  return {
    platform: "discord",
    workspaceId: interaction.guildId ?? "dm",
    userId: interaction.user.id,
    userName: name,
    isBot: interaction.user.bot,
    canModerate: interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
  };
}

/**
 * The person behind a reaction. Reactions carry no permissions, so Manage Messages is read from the
 * cached guild (roles and channel overwrites arrive with the Guilds intent).
 */
export function actorFromReaction(
  user: User | PartialUser,
  guildId: string | null,
  member: GuildMember | null,
  channelId: string,
): Actor {
  let canModerate = false;
  if (member) {
    try {
      const channel = member.guild.channels.cache.get(channelId);
      const perms = channel ? member.permissionsIn(channel) : member.permissions;
      canModerate = perms.has(PermissionFlagsBits.ManageMessages);
    } catch {
      canModerate = false;
    }
  }
  return {
    platform: "discord",
    workspaceId: guildId ?? "dm",
    userId: user.id,
    userName: displayName(user, member),
    isBot: user.bot === true,
    canModerate,
  };
}
