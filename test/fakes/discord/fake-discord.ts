import { createLogger, type Logger } from "../../../src/logger.js";
import { type ErrorInjectionOptions, FailureInjector, type RateLimitOptions } from "./failure-injector.js";
import { FakeGateway } from "./gateway.js";
import { guildPayload } from "./guild-payload.js";
import { FakeHttpServer } from "./http-server.js";
import { MessageFactory } from "./message-factory.js";
import {
  chatInputInteraction,
  componentInteraction,
  type InteractionPayload,
  messageContextInteraction,
  modalSubmitInteraction,
  type PayloadContext,
  type ReactionPayload,
  reactionAddPayload,
  reactionRemovePayload,
  type SlashOption,
} from "./payloads.js";
import { type RecordedRequest, type RequestPredicate, RequestRecorder } from "./recorder.js";
import { Router } from "./router.js";
import { addCdnRoutes } from "./routes/cdn-routes.js";
import { addCommandRoutes } from "./routes/command-routes.js";
import { addInteractionRoutes } from "./routes/interaction-routes.js";
import { addMessageRoutes } from "./routes/message-routes.js";
import { addMetaRoutes } from "./routes/meta-routes.js";
import type { RouteContext } from "./routes/route-context.js";
import { DiscordState, type GuildSpec, type InteractionRecord, type StoredCommand } from "./state.js";
import {
  type FakeAttachment,
  type FakeChannel,
  type FakeEmoji,
  type FakeMessage,
  type FakeUser,
  Intent,
} from "./types.js";

export interface FakeDiscordOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** When set, REST and IDENTIFY must use exactly this bot token; otherwise any `Bot x` is accepted. */
  token?: string;
  applicationId?: string;
  botUsername?: string;
  /** Default: one guild with one text channel "general". */
  guilds?: GuildSpec[];
  /** HELLO's heartbeat_interval; default 41250 like Discord. */
  heartbeatIntervalMs?: number;
  /** Reject interaction callbacks later than this (Discord: 3000); default: no deadline. */
  interactionDeadlineMs?: number;
  /** Per-file upload limit; default 10 MiB. */
  maxUploadBytes?: number;
  /**
   * The `attachment_size_limit` interactions declare; default `maxUploadBytes`, as on Discord. Set it
   * higher to play a Discord that refuses less than it declared (413 / 40005 on upload).
   */
  declaredUploadBytes?: number;
  /** Echo the bot's own reactions as gateway events, as Discord does; default true. */
  echoOwnReactions?: boolean;
  logger?: Logger;
}

export interface BuildTarget {
  /** Who acts; default `fake.user`. */
  user?: FakeUser;
  /** Where; default `fake.channelId`. */
  channelId?: string;
}

const WAIT_MS = 5000;

/**
 * A fake Discord on 127.0.0.1: REST (`apiUrl`), gateway v10 JSON (address given by GET /gateway/bot), and a
 * CDN for attachments, with state (guilds, channels, messages, threads, reactions, interactions, commands),
 * a recorder of every request, failure injection (429s, 5xx) and builders for the events a user causes.
 */
export class FakeDiscord {
  readonly state: DiscordState;
  readonly recorder = new RequestRecorder();
  readonly failures = new FailureInjector();
  readonly gateway: FakeGateway;
  /** The default user acting in built interactions and reactions ("alice"). */
  readonly user: FakeUser;
  private readonly http: FakeHttpServer;
  private readonly messageFactory: MessageFactory;
  private readonly host: string;
  private readonly declaredUploadBytes: number;
  private boundPort = 0;
  private closed = false;

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    fake.boundPort = await fake.http.listen(fake.host, options.port ?? 0);
    return fake;
  }

  private constructor(options: FakeDiscordOptions) {
    this.host = options.host ?? "127.0.0.1";
    const logger =
      options.logger ??
      createLogger({ name: "fake-discord", level: process.env.FAKE_DISCORD_LOG_LEVEL ?? "silent" });
    this.state = new DiscordState({ applicationId: options.applicationId, botUsername: options.botUsername });
    for (const spec of options.guilds ?? [{}]) this.state.addGuild(spec);
    this.user = this.addUser("alice");
    this.declaredUploadBytes = options.declaredUploadBytes ?? options.maxUploadBytes ?? 10 * 1024 * 1024;
    this.messageFactory = new MessageFactory(
      this.state,
      () => this.baseUrl,
      options.maxUploadBytes ?? 10 * 1024 * 1024,
    );

    const authorize = (header: string | undefined) => {
      const match = /^Bot (\S+)$/.exec(header ?? "");
      return match !== null && (options.token === undefined || match[1] === options.token);
    };
    this.gateway = new FakeGateway({
      state: this.state,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41250,
      authorize,
      gatewayUrl: () => this.gatewayUrl,
      guildCreatePayload: (guildId) => guildPayload(this.state, guildId, true),
      logger,
    });

    const routeContext: RouteContext = {
      state: this.state,
      messages: this.messageFactory,
      emit: (t, d, intent) => {
        this.gateway.dispatch(t, d, intent);
      },
      gatewayUrl: () => this.gatewayUrl,
      interactionDeadlineMs: options.interactionDeadlineMs,
      echoOwnReactions: options.echoOwnReactions ?? true,
    };
    const rest = new Router();
    addMetaRoutes(rest, routeContext);
    addMessageRoutes(rest, routeContext);
    addInteractionRoutes(rest, routeContext);
    addCommandRoutes(rest, routeContext);
    const cdn = new Router();
    addCdnRoutes(cdn, this.state);

    this.http = new FakeHttpServer({
      restRouter: rest,
      cdnRouter: cdn,
      recorder: this.recorder,
      failures: this.failures,
      authorize,
      onUpgrade: (req, socket, head) => this.gateway.handleUpgrade(req, socket, head),
      logger,
    });
  }

  // ---- addresses -------------------------------------------------------------------------------

  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:PORT`; attachment URLs live under it. */
  get baseUrl(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  /** For `new Client({ rest: { api } })`, `new REST({ api })` and DISCORD_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  get gatewayUrl(): string {
    return `ws://${this.host}:${this.boundPort}`;
  }

  /** The host and port attachment URLs point at, for DISCORD_ATTACHMENT_HOSTS (ports are checked). */
  get cdnHost(): string {
    return `${this.host}:${this.boundPort}`;
  }

  // ---- state -----------------------------------------------------------------------------------

  get applicationId(): string {
    return this.state.applicationId;
  }

  get botUser(): FakeUser {
    return this.state.botUser;
  }

  /** The first configured guild. */
  get guildId(): string {
    return this.state.guilds.keys().next().value as string;
  }

  /** The first text channel of the first guild. */
  get channelId(): string {
    const channel = this.state.guildChannels(this.guildId).find((c) => c.type === 0);
    if (!channel) throw new Error("fake Discord: the first guild has no text channel");
    return channel.id;
  }

  /** A new user, member of `guildId` (default the first guild). */
  addUser(username: string, options: { guildId?: string; bot?: boolean } = {}): FakeUser {
    const user = this.state.addUser({ username, bot: options.bot });
    this.state.addMember(options.guildId ?? this.guildId, user);
    return user;
  }

  /** Puts bytes on the fake CDN, as if a user had uploaded them; returns Discord's attachment object. */
  addAttachment(file: {
    filename: string;
    bytes: Buffer;
    contentType?: string;
    channelId?: string;
    /** Slash-command uploads are ephemeral attachments on Discord. */
    ephemeral?: boolean;
  }): Promise<FakeAttachment> {
    return this.messageFactory.storeAttachment(file.channelId ?? this.channelId, file);
  }

  /** A message a user posted (not through the bot), e.g. the target of "Edit image" or of reactions. */
  addMessage(spec: {
    channelId?: string;
    author?: FakeUser;
    content?: string;
    attachments?: FakeAttachment[];
    embeds?: unknown[];
  }): FakeMessage {
    const channel = this.channel(spec.channelId ?? this.channelId);
    return this.state.addMessage({
      id: this.state.ids.next(),
      type: 0,
      channel_id: channel.id,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      author: spec.author ?? this.user,
      content: spec.content ?? "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: spec.attachments ?? [],
      embeds: spec.embeds ?? [],
      components: [],
      pinned: false,
      flags: 0,
    });
  }

  channel(id: string): FakeChannel {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`fake Discord: no channel ${id}`);
    return channel;
  }

  /** The message as Discord would send it now (with reactions), or undefined. */
  message(id: string): FakeMessage | undefined {
    const message = this.state.messages.get(id);
    return message ? this.state.render(message) : undefined;
  }

  /** Messages of a channel or thread, oldest first. */
  messagesIn(channelId: string): FakeMessage[] {
    return this.state.messagesIn(channelId).map((m) => this.state.render(m));
  }

  /** Threads whose parent is `channelId`. */
  threadsIn(channelId: string): FakeChannel[] {
    return [...this.state.channels.values()].filter((c) => c.parent_id === channelId && c.thread_metadata);
  }

  /** What the fake knows about a dispatched interaction: callbacks, ack delay, original message, modal. */
  interaction(id: string): InteractionRecord | undefined {
    return this.state.interactions.get(id);
  }

  /** Commands registered globally (no argument) or for a guild. */
  commands(guildId?: string): StoredCommand[] {
    return this.state.commands.get(guildId ?? "global") ?? [];
  }

  // ---- payload builders (filled from the state) ---------------------------------------------------

  readonly build = {
    slashCommand: (spec: { name: string; options?: SlashOption[]; commandId?: string } & BuildTarget) =>
      chatInputInteraction(this.context(spec), spec),
    messageCommand: (spec: { name: string; target: FakeMessage; commandId?: string } & BuildTarget) =>
      messageContextInteraction(this.context(spec), spec),
    component: (
      spec: { customId: string; message: FakeMessage; componentType?: number; values?: string[] } & Omit<
        BuildTarget,
        "channelId"
      >,
    ) => componentInteraction(this.context({ ...spec, channelId: spec.message.channel_id }), spec),
    modalSubmit: (
      spec: {
        customId: string;
        fields: Record<string, string>;
        message?: FakeMessage;
        layout?: "label" | "action-row";
      } & BuildTarget,
    ) =>
      modalSubmitInteraction(
        this.context({ ...spec, channelId: spec.message?.channel_id ?? spec.channelId }),
        spec,
      ),
    reactionAdd: (spec: {
      message: FakeMessage;
      emoji: string | FakeEmoji;
      user?: FakeUser;
    }): ReactionPayload => {
      const ctx = this.context({ user: spec.user, channelId: spec.message.channel_id });
      return reactionAddPayload({
        user: ctx.user,
        member: ctx.member,
        channelId: spec.message.channel_id,
        messageId: spec.message.id,
        guildId: ctx.guildId,
        emoji: spec.emoji,
        messageAuthorId: spec.message.author.id,
      });
    },
    reactionRemove: (spec: { message: FakeMessage; emoji: string | FakeEmoji; user?: FakeUser }) =>
      reactionRemovePayload({
        user: spec.user ?? this.user,
        channelId: spec.message.channel_id,
        messageId: spec.message.id,
        guildId: spec.message.guild_id ?? this.guildId,
        emoji: spec.emoji,
      }),
  };

  private context(target: BuildTarget): PayloadContext {
    const channel = this.channel(target.channelId ?? this.channelId);
    const guildId = channel.guild_id ?? this.guildId;
    const user = target.user ?? this.user;
    const member = this.state.member(guildId, user.id) ?? this.state.addMember(guildId, user);
    return {
      applicationId: this.applicationId,
      guildId,
      channel,
      user,
      member,
      nextId: () => this.state.ids.next(),
      attachmentSizeLimit: this.declaredUploadBytes,
    };
  }

  // ---- gateway ---------------------------------------------------------------------------------

  /**
   * Sends a gateway event to the connected bot(s) and keeps the state in step (an INTERACTION_CREATE
   * becomes answerable, a reaction is counted). Events go only to sessions whose intents cover them,
   * as on Discord; throws when no session receives the event (no client, or a missing intent).
   */
  dispatch(t: string, d: unknown, options: { ignoreIntents?: boolean } = {}): number {
    this.applyToState(t, d as Record<string, unknown>);
    const intent = options.ignoreIntents ? 0 : intentFor(t, d as Record<string, unknown>);
    const sent = this.gateway.dispatch(t, d, intent);
    if (sent === 0) {
      const live = this.gateway.liveSessions().length;
      throw new Error(
        live === 0
          ? `fake Discord: cannot dispatch ${t}: no client is logged in to the gateway`
          : `fake Discord: cannot dispatch ${t}: no session asked for the intent it needs (${intent})`,
      );
    }
    return sent;
  }

  /** Resolves when a client has identified (or resumed); at once when one is connected. */
  async waitForGatewayReady(timeoutMs = WAIT_MS): Promise<void> {
    await this.gateway.waitForReady(timeoutMs);
  }

  private applyToState(t: string, d: Record<string, unknown>): void {
    if (t === "INTERACTION_CREATE") {
      const payload = d as unknown as InteractionPayload;
      const userId = payload.member?.user.id ?? (d.user as FakeUser | undefined)?.id ?? "0";
      this.state.registerInteraction({
        id: payload.id,
        token: payload.token,
        applicationId: payload.application_id,
        type: payload.type,
        channelId: payload.channel?.id ?? payload.channel_id ?? null,
        guildId: payload.guild_id ?? null,
        userId,
        dispatchedAt: Date.now(),
        payload: d,
        callbacks: [],
        ackDelayMs: null,
        originalMessageId: null,
        sourceMessageId: payload.message?.id ?? null,
        modal: null,
        followupIds: [],
      });
    } else if (t === "MESSAGE_REACTION_ADD") {
      this.state.addReaction(String(d.message_id), d.emoji as FakeEmoji, String(d.user_id));
    } else if (t === "MESSAGE_REACTION_REMOVE") {
      this.state.removeReactions(String(d.message_id), d.emoji as FakeEmoji, String(d.user_id));
    } else if (t === "MESSAGE_CREATE" && !this.state.messages.has(String(d.id))) {
      this.state.addMessage(d as unknown as FakeMessage);
    }
  }

  // ---- requests --------------------------------------------------------------------------------

  /** Every request answered so far, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.recorder.all;
  }

  findRequests(predicate: RequestPredicate): RecordedRequest[] {
    return this.recorder.find(predicate);
  }

  /** The first matching request, recorded already or yet to come (after `sinceSeq` when given). */
  async waitForRequest(
    predicate: RequestPredicate,
    timeoutMs = WAIT_MS,
    options: { sinceSeq?: number } = {},
  ): Promise<RecordedRequest> {
    const [request] = await this.recorder.waitFor(predicate, 1, timeoutMs, options.sinceSeq);
    return request;
  }

  /** The first `count` matching requests. */
  waitForRequests(
    predicate: RequestPredicate,
    count: number,
    timeoutMs = WAIT_MS,
    options: { sinceSeq?: number } = {},
  ): Promise<RecordedRequest[]> {
    return this.recorder.waitFor(predicate, count, timeoutMs, options.sinceSeq);
  }

  /** The seq of the newest request, for `{ sinceSeq }`. */
  mark(): number {
    return this.recorder.mark();
  }

  // ---- failure injection -------------------------------------------------------------------------

  /** Answers the next `times` matching requests with 429 and Discord's rate-limit body and headers. */
  rateLimit(options: RateLimitOptions = {}): void {
    this.failures.rateLimit(options);
  }

  /** Answers the next `times` matching requests with an error status (e.g. 500, 503). */
  failNext(options: ErrorInjectionOptions): void {
    this.failures.error(options);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Stops everything; pending waits reject. Destroy clients first, or they will try to reconnect. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.recorder.rejectAll("fake Discord closed");
    await this.gateway.close();
    await this.http.close();
  }
}

function intentFor(t: string, d: Record<string, unknown>): number {
  const inGuild = d?.guild_id !== undefined;
  if (t.startsWith("MESSAGE_REACTION_"))
    return inGuild ? Intent.GuildMessageReactions : Intent.DirectMessageReactions;
  if (t.startsWith("MESSAGE_")) return inGuild ? Intent.GuildMessages : Intent.DirectMessages;
  if (t.startsWith("GUILD_MEMBER")) return Intent.GuildMembers;
  if (t.startsWith("THREAD_") || t.startsWith("CHANNEL_") || t.startsWith("GUILD_")) return Intent.Guilds;
  return 0;
}
