/**
 * The shapes the fake stores and sends. They follow Discord's API v10 JSON field for field (snake_case),
 * kept looser than discord-api-types' unions so tests can build and inspect them without casts.
 */
export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  system?: boolean;
  public_flags?: number;
}

export interface FakeMember {
  user: FakeUser;
  nick: string | null;
  avatar: string | null;
  roles: string[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  color: number;
  hoist: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: Record<string, unknown>;
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
  position?: number;
  parent_id?: string | null;
  topic?: string | null;
  nsfw?: boolean;
  last_message_id?: string | null;
  rate_limit_per_user?: number;
  permission_overwrites?: unknown[];
  owner_id?: string;
  message_count?: number;
  member_count?: number;
  total_message_sent?: number;
  thread_metadata?: {
    archived: boolean;
    auto_archive_duration: number;
    archive_timestamp: string;
    locked: boolean;
    invitable?: boolean;
    create_timestamp?: string;
  };
  flags?: number;
  [extra: string]: unknown;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  width?: number;
  height?: number;
  description?: string;
  ephemeral?: boolean;
  flags?: number;
}

export interface FakeEmoji {
  id: string | null;
  name: string;
  animated?: boolean;
}

export interface FakeReaction {
  emoji: FakeEmoji;
  count: number;
  count_details: { burst: number; normal: number };
  me: boolean;
  me_burst: boolean;
  burst_colors: string[];
}

export interface FakeMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: FakeUser[];
  mention_roles: string[];
  attachments: FakeAttachment[];
  embeds: unknown[];
  components: unknown[];
  pinned: boolean;
  flags: number;
  reactions?: FakeReaction[];
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
  message_reference?: Record<string, unknown>;
  thread?: FakeChannel;
  [extra: string]: unknown;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: FakeRole[];
  channelIds: string[];
  memberIds: string[];
  joinedAt: string;
}

/** The bits of gateway intents the fake checks before it sends an event on its own. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  MessageContent: 1 << 15,
} as const;

export const ChannelKind = {
  GuildText: 0,
  DM: 1,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
} as const;

export function isThread(channel: FakeChannel): boolean {
  return channel.type === 10 || channel.type === 11 || channel.type === 12;
}
