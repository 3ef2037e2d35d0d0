import { randomBytes } from "node:crypto";
import type { KeyNames } from "../../queue/queue-names.js";
import type { RedisLike } from "../../queue/redis-connection.js";
import type { NewMessage, PlaygroundMessage } from "./playground-message.js";

/** Enough history for a demo channel; older messages fall off so Redis stays small. */
export const HISTORY_LIMIT = 500;

/** A whole message (new or edited), or one reaction added or taken back: a few bytes, not the message. */
export type ChannelEvent =
  | { type: "message"; message: PlaygroundMessage }
  | { type: "reaction"; delta: ReactionDelta };

export interface ReactionDelta {
  messageId: string;
  emoji: string;
  userId: string;
  added: boolean;
}

export type ChannelListener = (event: ChannelEvent) => void;

/** What toggling a reaction did: null when the message is gone, "full" when it has too many. */
export type ReactionOutcome = { added: boolean; message: PlaygroundMessage } | "full" | null;

/**
 * The playground's channel history. The core has no notion of a channel's messages (Discord and
 * Slack keep their own), so the playground keeps them in Redis under the key prefix: a reload, or a
 * bot restart, shows the same channel. Writes to one message are serialised in-process so two
 * people reacting at once do not lose a reaction.
 */
export class ChannelStore {
  private readonly listeners = new Set<ChannelListener>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private lastSeq = 0;

  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
    readonly channelId: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(part: string): string {
    // One hash tag per channel: the MULTI below touches all its keys, which Redis Cluster needs in one slot.
    return `${this.keys.prefix}:playground:{${this.channelId}}:${part}`;
  }

  subscribe(listener: ChannelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Adds a message. With `key`, posting again is harmless: the message keeps one id, and a second
   * post returns the first (a delivery redone after a Redis failover must not show a result twice).
   */
  async post(input: NewMessage, opts: { key?: string } = {}): Promise<PlaygroundMessage> {
    if (opts.key) {
      const existing = await this.get(`m${opts.key}`);
      if (existing) return existing;
    }
    const seq = this.nextSeq();
    const message: PlaygroundMessage = {
      controls: [],
      reactions: [],
      ...input,
      id: opts.key ? `m${opts.key}` : `m${seq}${randomBytes(3).toString("hex")}`,
      seq,
      createdAt: Date.now(),
    };
    await this.save(message);
    await this.trim();
    return message;
  }

  /**
   * Time-ordered, never from a Redis counter: a failover can roll a counter back and hand out an id
   * again, and a message would then overwrite another. Microseconds since the epoch, kept rising
   * within this process; the random tail of the id keeps two bots apart.
   */
  private nextSeq(): number {
    this.lastSeq = Math.max(Date.now() * 1000, this.lastSeq + 1);
    return this.lastSeq;
  }

  async get(id: string): Promise<PlaygroundMessage | null> {
    const raw = await this.redis.hget(this.key("msgs"), id);
    return raw ? (JSON.parse(raw) as PlaygroundMessage) : null;
  }

  /** Read-modify-write of one message; returns null when the message is gone. */
  async update(
    id: string,
    change: (m: PlaygroundMessage) => PlaygroundMessage | null,
  ): Promise<PlaygroundMessage | null> {
    return this.locked(id, async () => {
      const current = await this.get(id);
      if (!current) return null;
      const changed = change(current);
      if (!changed) return current;
      changed.editedAt = Date.now();
      await this.save(changed);
      return changed;
    });
  }

  /**
   * Adds `userId`'s `emoji` to a message, or takes it back when already there. Listeners hear a
   * small delta rather than the message, so a burst of reactions costs every open tab bytes, not
   * megabytes. A message holds at most `maxPerMessage` reactions in all, so none grows without bound.
   */
  async toggleReaction(
    id: string,
    emoji: string,
    userId: string,
    maxPerMessage: number,
  ): Promise<ReactionOutcome> {
    return this.locked(id, async (): Promise<ReactionOutcome> => {
      const current = await this.get(id);
      if (!current) return null;
      const reactions = current.reactions.map((r) => ({ ...r, users: [...r.users] }));
      let entry = reactions.find((r) => r.emoji === emoji);
      const added = !entry?.users.includes(userId);
      if (added && reactions.reduce((n, r) => n + r.users.length, 0) >= maxPerMessage) return "full";
      if (!entry) {
        entry = { emoji, users: [] };
        reactions.push(entry);
      }
      entry.users = added ? [...entry.users, userId] : entry.users.filter((u) => u !== userId);
      const changed = { ...current, reactions: reactions.filter((r) => r.users.length > 0) };
      await this.save(changed, { type: "reaction", delta: { messageId: id, emoji, userId, added } });
      return { added, message: changed };
    });
  }

  /** Runs `work` after every earlier write to the same message, in this process. */
  private locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.then(work);
    const settled = next.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return next;
  }

  /** The channel's messages, oldest first. */
  async history(limit = HISTORY_LIMIT): Promise<PlaygroundMessage[]> {
    const ids = await this.redis.zrange(this.key("order"), String(-limit), "-1");
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(this.key("msgs"), ...ids);
    return raws
      .filter((r): r is string => typeof r === "string")
      .map((r) => JSON.parse(r) as PlaygroundMessage);
  }

  /** The newest picture in a thread (or in the whole channel): what a bare `/edit` works on. */
  async latestImage(threadId?: string): Promise<PlaygroundMessage | null> {
    const all = await this.history();
    for (let i = all.length - 1; i >= 0; i--) {
      const m = all[i];
      if (!m.image) continue;
      if (threadId === undefined || m.id === threadId || m.threadId === threadId) return m;
    }
    return null;
  }

  private async save(message: PlaygroundMessage, event?: ChannelEvent): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key("msgs"), message.id, JSON.stringify(message))
      .zadd(this.key("order"), String(message.seq), message.id)
      .expire(this.key("msgs"), this.ttlSeconds)
      .expire(this.key("order"), this.ttlSeconds)
      .exec();
    const told = event ?? { type: "message", message };
    for (const listener of this.listeners) listener(told);
  }

  private async trim(): Promise<void> {
    const excess = (await this.redis.zcard(this.key("order"))) - HISTORY_LIMIT;
    if (excess <= 0) return;
    const old = await this.redis.zrange(this.key("order"), "0", String(excess - 1));
    if (old.length === 0) return;
    await this.redis
      .multi()
      .zrem(this.key("order"), ...old)
      .hdel(this.key("msgs"), ...old)
      .exec();
  }
}
