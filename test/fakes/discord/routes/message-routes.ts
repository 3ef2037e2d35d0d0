import { checkThreadBody } from "../api-limits.js";
import { DiscordApiError } from "../errors/discord-api-error.js";
import type { Router } from "../router.js";
import { parseEmoji } from "../state.js";
import { type FakeChannel, type FakeEmoji, type FakeMessage, Intent, isThread } from "../types.js";
import type { RouteContext } from "./route-context.js";

const HAS_THREAD = 1 << 5;
const AUTO_ARCHIVE = [60, 1440, 4320, 10080];

/** Channels, messages, threads and reactions. */
export function addMessageRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;

  const channelOf = (id: string): FakeChannel => {
    const channel = state.channels.get(id);
    if (!channel) throw DiscordApiError.unknownChannel();
    return channel;
  };
  const messageOf = (channelId: string, messageId: string): FakeMessage => {
    channelOf(channelId);
    const message = state.messages.get(messageId);
    if (!message || message.channel_id !== channelId) throw DiscordApiError.unknownMessage();
    return message;
  };
  const emojiOf = (segment: string): FakeEmoji => {
    const emoji = parseEmoji(segment);
    if (!emoji) throw DiscordApiError.unknownEmoji();
    return emoji;
  };

  router.add("GET", "/channels/:channelId", ({ params }) => ({
    status: 200,
    body: channelOf(params.channelId),
  }));
  router.add("PATCH", "/channels/:channelId", ({ params, body }) => {
    const channel = channelOf(params.channelId);
    const patch = (body ?? {}) as Record<string, unknown>;
    if (typeof patch.name === "string") channel.name = patch.name;
    if (channel.thread_metadata) {
      if (typeof patch.archived === "boolean") {
        channel.thread_metadata.archived = patch.archived;
        channel.thread_metadata.archive_timestamp = new Date().toISOString();
      }
      if (typeof patch.locked === "boolean") channel.thread_metadata.locked = patch.locked;
    }
    ctx.emit(isThread(channel) ? "THREAD_UPDATE" : "CHANNEL_UPDATE", channel, Intent.Guilds);
    return { status: 200, body: channel };
  });

  router.add("GET", "/channels/:channelId/messages", ({ params, query }) => {
    const limit = Math.min(100, Math.max(1, Number(query.get("limit") ?? 50)));
    const newestFirst = state.messagesIn(channelOf(params.channelId).id).reverse();
    return { status: 200, body: newestFirst.slice(0, limit).map((m) => state.render(m)) };
  });
  router.add("GET", "/channels/:channelId/messages/:messageId", ({ params }) => ({
    status: 200,
    body: state.render(messageOf(params.channelId, params.messageId)),
  }));

  router.add("POST", "/channels/:channelId/messages", async ({ params, body, files }) => {
    const channel = channelOf(params.channelId);
    if (channel.thread_metadata?.locked) throw new DiscordApiError(400, 50083, "Thread is archived");
    if (channel.thread_metadata?.archived) channel.thread_metadata.archived = false;
    const message = await ctx.messages.create(channel, body, files);
    ctx.emit("MESSAGE_CREATE", { ...message, member: memberOf(ctx, channel) }, Intent.GuildMessages);
    return { status: 200, body: message };
  });
  router.add("PATCH", "/channels/:channelId/messages/:messageId", async ({ params, body, files }) => {
    const message = messageOf(params.channelId, params.messageId);
    if (message.author.id !== state.botUser.id) throw DiscordApiError.cannotEditOthersMessage();
    await ctx.messages.edit(message, body, files);
    ctx.emit("MESSAGE_UPDATE", message, Intent.GuildMessages);
    return { status: 200, body: state.render(message) };
  });
  router.add("DELETE", "/channels/:channelId/messages/:messageId", ({ params }) => {
    const message = messageOf(params.channelId, params.messageId);
    state.messages.delete(message.id);
    ctx.emit(
      "MESSAGE_DELETE",
      { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id },
      Intent.GuildMessages,
    );
    return { status: 204 };
  });

  router.add("POST", "/channels/:channelId/messages/:messageId/threads", ({ params, body }) => {
    const parent = channelOf(params.channelId);
    if (isThread(parent)) throw DiscordApiError.wrongChannelType();
    const message = messageOf(params.channelId, params.messageId);
    if (message.thread || (message.flags & HAS_THREAD) !== 0) throw DiscordApiError.threadAlreadyExists();
    // A thread started from a message takes the message's id, as on Discord.
    const thread = createThread(ctx, parent, message.id, 11, (body ?? {}) as Record<string, unknown>);
    message.flags |= HAS_THREAD;
    message.thread = thread;
    return { status: 201, body: thread };
  });
  router.add("POST", "/channels/:channelId/threads", ({ params, body }) => {
    const parent = channelOf(params.channelId);
    if (isThread(parent)) throw DiscordApiError.wrongChannelType();
    const spec = (body ?? {}) as Record<string, unknown>;
    const type = spec.type === undefined ? 12 : Number(spec.type);
    if (type !== 10 && type !== 11 && type !== 12)
      throw DiscordApiError.invalidForm({ type: "Invalid thread type." });
    return { status: 201, body: createThread(ctx, parent, state.ids.next(), type, spec) };
  });

  const reactionEvent = (t: string, message: FakeMessage, emoji: FakeEmoji, userId: string) => {
    if (!ctx.echoOwnReactions && userId === state.botUser.id) return;
    const member = message.guild_id ? state.member(message.guild_id, userId) : undefined;
    ctx.emit(
      t,
      {
        user_id: userId,
        channel_id: message.channel_id,
        message_id: message.id,
        ...(message.guild_id ? { guild_id: message.guild_id } : {}),
        emoji,
        ...(t === "MESSAGE_REACTION_ADD" && member ? { member, message_author_id: message.author.id } : {}),
        burst: false,
        ...(t === "MESSAGE_REACTION_ADD" ? { burst_colors: [] } : {}),
        type: 0,
      },
      Intent.GuildMessageReactions,
    );
  };

  router.add("PUT", "/channels/:channelId/messages/:messageId/reactions/:emoji/@me", ({ params }) => {
    const message = messageOf(params.channelId, params.messageId);
    const emoji = emojiOf(params.emoji);
    if (state.addReaction(message.id, emoji, state.botUser.id)) {
      reactionEvent("MESSAGE_REACTION_ADD", message, emoji, state.botUser.id);
    }
    return { status: 204 };
  });
  const removeRoute = (
    emojiSegment: string | null,
    userId: string | null,
    channelId: string,
    messageId: string,
  ) => {
    const message = messageOf(channelId, messageId);
    const emoji = emojiSegment === null ? null : emojiOf(emojiSegment);
    for (const removed of state.removeReactions(message.id, emoji, userId)) {
      reactionEvent("MESSAGE_REACTION_REMOVE", message, removed.emoji, removed.userId);
    }
    return { status: 204 };
  };
  router.add("DELETE", "/channels/:channelId/messages/:messageId/reactions/:emoji/@me", ({ params }) =>
    removeRoute(params.emoji, state.botUser.id, params.channelId, params.messageId),
  );
  router.add("DELETE", "/channels/:channelId/messages/:messageId/reactions/:emoji/:userId", ({ params }) =>
    removeRoute(params.emoji, params.userId, params.channelId, params.messageId),
  );
  router.add("DELETE", "/channels/:channelId/messages/:messageId/reactions/:emoji", ({ params }) =>
    removeRoute(params.emoji, null, params.channelId, params.messageId),
  );
  router.add("DELETE", "/channels/:channelId/messages/:messageId/reactions", ({ params }) =>
    removeRoute(null, null, params.channelId, params.messageId),
  );
  router.add("GET", "/channels/:channelId/messages/:messageId/reactions/:emoji", ({ params }) => {
    const message = messageOf(params.channelId, params.messageId);
    return { status: 200, body: state.reactionUsers(message.id, emojiOf(params.emoji)) };
  });
}

function memberOf(ctx: RouteContext, channel: FakeChannel): unknown {
  if (!channel.guild_id) return undefined;
  const member = ctx.state.member(channel.guild_id, ctx.state.botUser.id);
  if (!member) return undefined;
  const { user: _user, ...rest } = member;
  return rest;
}

function createThread(
  ctx: RouteContext,
  parent: FakeChannel,
  id: string,
  type: number,
  spec: Record<string, unknown>,
): FakeChannel {
  const problems = checkThreadBody(spec);
  if (Object.keys(problems).length > 0) throw DiscordApiError.invalidForm(problems);
  const name = String(spec.name);
  const archive = spec.auto_archive_duration === undefined ? 4320 : Number(spec.auto_archive_duration);
  if (!AUTO_ARCHIVE.includes(archive)) {
    throw DiscordApiError.invalidForm({
      auto_archive_duration: "Value must be one of (60, 1440, 4320, 10080).",
    });
  }
  const now = new Date().toISOString();
  const thread: FakeChannel = {
    id,
    type,
    guild_id: parent.guild_id,
    parent_id: parent.id,
    name,
    owner_id: ctx.state.botUser.id,
    last_message_id: null,
    rate_limit_per_user: Number(spec.rate_limit_per_user ?? 0),
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: archive,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
      ...(type === 12 ? { invitable: spec.invitable !== false } : {}),
    },
    member: { id, user_id: ctx.state.botUser.id, join_timestamp: now, flags: 0 },
  };
  ctx.state.addChannel(thread);
  ctx.emit("THREAD_CREATE", { ...thread, newly_created: true }, Intent.Guilds);
  return thread;
}
