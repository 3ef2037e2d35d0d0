import { SnowflakeGenerator } from "./snowflake.js";
import type {
  FakeAttachment,
  FakeChannel,
  FakeEmoji,
  FakeGuild,
  FakeMember,
  FakeMessage,
  FakeReaction,
  FakeRole,
  FakeUser,
} from "./types.js";

export interface GuildSpec {
  id?: string;
  name?: string;
  /** Text channels to create; default one named "general". */
  channels?: Array<{ id?: string; name: string; type?: number; topic?: string }>;
}

export interface StoredFile {
  bytes: Buffer;
  contentType: string;
  filename: string;
}

export interface InteractionCallbackRecord {
  type: number;
  at: number;
  data: unknown;
}

/** What the fake knows about one dispatched interaction, for its callbacks and webhook routes. */
export interface InteractionRecord {
  id: string;
  token: string;
  applicationId: string;
  type: number;
  channelId: string | null;
  guildId: string | null;
  userId: string;
  dispatchedAt: number;
  payload: Record<string, unknown>;
  callbacks: InteractionCallbackRecord[];
  /** Milliseconds from the dispatch to the first callback; null until acknowledged. */
  ackDelayMs: number | null;
  originalMessageId: string | null;
  /** The message a component or modal submit came from. */
  sourceMessageId: string | null;
  /** The modal the bot showed (callback type 9), as sent. */
  modal: unknown | null;
  followupIds: string[];
}

export interface StoredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  [extra: string]: unknown;
}

/** Everything Discord would know: users, guilds, channels, messages, reactions, files, interactions. */
export class DiscordState {
  readonly ids = new SnowflakeGenerator();
  readonly botUser: FakeUser;
  readonly applicationId: string;
  readonly applicationFlags: number;
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly members = new Map<string, FakeMember>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly files = new Map<string, StoredFile>();
  readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionTokens = new Map<string, InteractionRecord>();
  readonly commands = new Map<string, StoredCommand[]>();
  private readonly reactions = new Map<string, Map<string, { emoji: FakeEmoji; users: string[] }>>();

  constructor(options: { applicationId?: string; botUsername?: string; applicationFlags?: number }) {
    this.applicationId = options.applicationId ?? this.ids.next();
    this.applicationFlags = options.applicationFlags ?? 1 << 23;
    // A bot user's id is its application's id on Discord.
    this.botUser = this.addUser({
      id: this.applicationId,
      username: options.botUsername ?? "rf-edit",
      bot: true,
    });
  }

  addUser(spec: { id?: string; username: string; globalName?: string; bot?: boolean }): FakeUser {
    const user: FakeUser = {
      id: spec.id ?? this.ids.next(),
      username: spec.username,
      global_name: spec.globalName ?? (spec.bot ? null : spec.username),
      discriminator: "0",
      avatar: null,
      public_flags: 0,
      ...(spec.bot ? { bot: true } : {}),
    };
    this.users.set(user.id, user);
    return user;
  }

  addGuild(spec: GuildSpec): FakeGuild {
    const id = spec.id ?? this.ids.next();
    const now = new Date().toISOString();
    const roles: FakeRole[] = [
      role(id, "@everyone", 0, "2248473465835073"),
      // The bot's managed role, with the permissions the bot's invite asks for (send, threads, reactions, files).
      role(this.ids.next(), "rf-edit", 1, "397821308992", { bot_id: this.botUser.id }),
    ];
    const guild: FakeGuild = {
      id,
      name: spec.name ?? "rf-edit test guild",
      ownerId: this.ids.next(),
      roles,
      channelIds: [],
      memberIds: [],
      joinedAt: now,
    };
    this.guilds.set(id, guild);
    for (const c of spec.channels ?? [{ name: "general" }]) {
      this.addChannel({
        id: c.id ?? this.ids.next(),
        type: c.type ?? 0,
        guild_id: id,
        name: c.name,
        position: guild.channelIds.length,
        parent_id: null,
        topic: c.topic ?? null,
        nsfw: false,
        last_message_id: null,
        rate_limit_per_user: 0,
        permission_overwrites: [],
        flags: 0,
      });
    }
    this.addMember(id, this.botUser, [roles[1].id]);
    return guild;
  }

  addMember(guildId: string, user: FakeUser, roles: string[] = []): FakeMember {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`fake Discord: no guild ${guildId}`);
    const member: FakeMember = {
      user,
      nick: null,
      avatar: null,
      roles,
      joined_at: new Date().toISOString(),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    };
    this.members.set(`${guildId}:${user.id}`, member);
    if (!guild.memberIds.includes(user.id)) guild.memberIds.push(user.id);
    return member;
  }

  member(guildId: string, userId: string): FakeMember | undefined {
    return this.members.get(`${guildId}:${userId}`);
  }

  addChannel(channel: FakeChannel): FakeChannel {
    this.channels.set(channel.id, channel);
    if (channel.guild_id) this.guilds.get(channel.guild_id)?.channelIds.push(channel.id);
    return channel;
  }

  guildChannels(guildId: string): FakeChannel[] {
    const guild = this.guilds.get(guildId);
    return guild ? guild.channelIds.map((id) => this.channels.get(id)).filter((c) => c !== undefined) : [];
  }

  addMessage(message: FakeMessage): FakeMessage {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel) {
      channel.last_message_id = message.id;
      if (channel.message_count !== undefined) {
        channel.message_count += 1;
        channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      }
    }
    return message;
  }

  messagesIn(channelId: string): FakeMessage[] {
    const out: FakeMessage[] = [];
    for (const m of this.messages.values()) if (m.channel_id === channelId) out.push(m);
    return out.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** The message as Discord sends it, with its reactions summarised from the viewpoint of the bot. */
  render(message: FakeMessage): FakeMessage {
    const byEmoji = this.reactions.get(message.id);
    if (!byEmoji || byEmoji.size === 0) return message;
    const reactions: FakeReaction[] = [];
    for (const { emoji, users } of byEmoji.values()) {
      if (users.length === 0) continue;
      const me = users.includes(this.botUser.id);
      reactions.push({
        emoji,
        count: users.length,
        count_details: { burst: 0, normal: users.length },
        me,
        me_burst: false,
        burst_colors: [],
      });
    }
    return { ...message, reactions };
  }

  /** Adds a reaction; false when that user had already reacted with that emoji. */
  addReaction(messageId: string, emoji: FakeEmoji, userId: string): boolean {
    let byEmoji = this.reactions.get(messageId);
    if (!byEmoji) {
      byEmoji = new Map();
      this.reactions.set(messageId, byEmoji);
    }
    const key = emojiKey(emoji);
    let entry = byEmoji.get(key);
    if (!entry) {
      entry = { emoji, users: [] };
      byEmoji.set(key, entry);
    }
    if (entry.users.includes(userId)) return false;
    entry.users.push(userId);
    return true;
  }

  /** Removes reactions; `emoji` null means all, `userId` null means everyone's. Returns what was removed. */
  removeReactions(
    messageId: string,
    emoji: FakeEmoji | null,
    userId: string | null,
  ): Array<{ emoji: FakeEmoji; userId: string }> {
    const byEmoji = this.reactions.get(messageId);
    if (!byEmoji) return [];
    const removed: Array<{ emoji: FakeEmoji; userId: string }> = [];
    for (const [key, entry] of byEmoji) {
      if (emoji && key !== emojiKey(emoji)) continue;
      const keep = entry.users.filter((u) => userId !== null && u !== userId);
      for (const u of entry.users) if (!keep.includes(u)) removed.push({ emoji: entry.emoji, userId: u });
      entry.users = keep;
      if (keep.length === 0) byEmoji.delete(key);
    }
    return removed;
  }

  reactionUsers(messageId: string, emoji: FakeEmoji): FakeUser[] {
    const entry = this.reactions.get(messageId)?.get(emojiKey(emoji));
    return (entry?.users ?? []).map((id) => this.users.get(id) ?? { ...UNKNOWN_USER, id });
  }

  storeFile(channelId: string, attachmentId: string, file: StoredFile): void {
    this.files.set(`${channelId}/${attachmentId}`, file);
  }

  file(channelId: string, attachmentId: string): StoredFile | undefined {
    return this.files.get(`${channelId}/${attachmentId}`);
  }

  registerInteraction(record: InteractionRecord): void {
    this.interactions.set(record.id, record);
    this.interactionTokens.set(record.token, record);
  }

  interactionByToken(token: string): InteractionRecord | undefined {
    return this.interactionTokens.get(token);
  }
}

const UNKNOWN_USER: FakeUser = {
  id: "0",
  username: "unknown",
  global_name: null,
  discriminator: "0",
  avatar: null,
};

export function emojiKey(emoji: FakeEmoji): string {
  return emoji.id ? emoji.id : emoji.name;
}

/** Parses the `:emoji` path segment: a unicode emoji, or `name:id` for a custom one. */
export function parseEmoji(segment: string): FakeEmoji | null {
  const custom = /^a?:?([\w~]{2,32}):(\d{15,25})$/.exec(segment);
  if (custom) return { id: custom[2], name: custom[1] };
  if (/\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u.test(segment))
    return { id: null, name: segment };
  return null;
}

function role(
  id: string,
  name: string,
  position: number,
  permissions: string,
  tags?: Record<string, unknown>,
): FakeRole {
  return {
    id,
    name,
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions,
    managed: tags !== undefined,
    mentionable: false,
    flags: 0,
    ...(tags ? { tags } : {}),
  };
}

export type { FakeAttachment };
