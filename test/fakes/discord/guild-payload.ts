import type { DiscordState } from "./state.js";

/** The guild object of GUILD_CREATE (with channels, threads, members) or of GET /guilds/:id (without). */
export function guildPayload(state: DiscordState, guildId: string, full: boolean): Record<string, unknown> {
  const guild = state.guilds.get(guildId);
  if (!guild) throw new Error(`fake Discord: no guild ${guildId}`);
  const channels = state.guildChannels(guildId);
  const base: Record<string, unknown> = {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
  if (!full) return base;
  return {
    ...base,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.memberIds.length,
    voice_states: [],
    members: guild.memberIds.map((id) => state.member(guildId, id)).filter((m) => m !== undefined),
    channels: channels.filter((c) => c.type !== 10 && c.type !== 11 && c.type !== 12),
    threads: channels.filter((c) => c.type === 10 || c.type === 11 || c.type === 12),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
