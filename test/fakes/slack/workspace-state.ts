import type { EphemeralMessage, SlackFile, SlackIds, SlackMessage, StoredView } from "./types.js";

export interface StoredFile {
  file: SlackFile;
  bytes: Buffer;
  /** When false the bytes are served without a token (a public host); Slack's own files always need one. */
  requireAuth: boolean;
  /** Wait this long before answering a download (time-cap tests). */
  delayMs: number;
}

export interface NewFile {
  id?: string;
  name: string;
  bytes: Buffer | Uint8Array;
  mimetype?: string;
  title?: string;
  user?: string;
  /** Reported size, when a test wants it to differ from the bytes served. */
  size?: number;
  requireAuth?: boolean;
  delayMs?: number;
}

export interface NewMessage {
  channel: string;
  text?: string;
  user?: string;
  botId?: string;
  ts?: string;
  threadTs?: string;
  files?: SlackFile[];
  blocks?: unknown[];
  attachments?: unknown[];
  subtype?: string;
  replyBroadcast?: boolean;
  metadata?: unknown;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  txt: "text/plain",
  pdf: "application/pdf",
};

/** Slack's "ts": seconds.micros, fixed width so string order is time order. */
function tsFromCounter(n: number): string {
  return `${1700000000 + n}.${String(100 + (n % 900000)).padStart(6, "0")}`;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** Channels, messages, files and views of the one workspace the fake plays. */
export class WorkspaceState {
  readonly #messages = new Map<string, SlackMessage[]>();
  readonly #byTs = new Map<string, SlackMessage>();
  readonly files = new Map<string, StoredFile>();
  readonly views = new Map<string, StoredView>();
  readonly ephemerals: EphemeralMessage[] = [];
  #tsCounter = 0;
  #idCounter = 0;

  constructor(
    private readonly ids: SlackIds,
    private readonly fileUrlBase: () => string,
  ) {}

  nextTs(): string {
    this.#tsCounter += 1;
    return tsFromCounter(this.#tsCounter);
  }

  /** An id in Slack's style: prefix letter, then upper-case base-36, unique within this fake. */
  nextId(prefix: string): string {
    this.#idCounter += 1;
    return `${prefix}0RF${this.#idCounter.toString(36).toUpperCase().padStart(6, "0")}`;
  }

  addFile(input: NewFile): SlackFile {
    const id = input.id ?? this.nextId("F");
    const bytes = Buffer.from(input.bytes);
    const ext = extensionOf(input.name);
    const mimetype = input.mimetype ?? MIME_BY_EXTENSION[ext] ?? "application/octet-stream";
    const now = Math.floor(Date.now() / 1000);
    const encodedName = encodeURIComponent(input.name);
    const base = this.fileUrlBase();
    const file: SlackFile = {
      id,
      created: now,
      timestamp: now,
      name: input.name,
      title: input.title ?? input.name,
      mimetype,
      filetype: ext || "binary",
      pretty_type: (ext || "binary").toUpperCase(),
      user: input.user ?? this.ids.botUserId,
      size: input.size ?? bytes.length,
      mode: "hosted",
      is_external: false,
      is_public: false,
      url_private: `${base}/files-pri/${this.ids.teamId}-${id}/${encodedName}`,
      url_private_download: `${base}/files-pri/${this.ids.teamId}-${id}/download/${encodedName}`,
      permalink: `https://${this.ids.teamDomain}.slack.com/files/${input.user ?? this.ids.botUserId}/${id}/${encodedName}`,
    };
    this.files.set(id, { file, bytes, requireAuth: input.requireAuth ?? true, delayMs: input.delayMs ?? 0 });
    return file;
  }

  addMessage(input: NewMessage): SlackMessage {
    const ts = input.ts ?? this.nextTs();
    const message: SlackMessage = {
      type: "message",
      ts,
      text: input.text ?? "",
      team: this.ids.teamId,
    };
    if (input.subtype) message.subtype = input.subtype;
    if (input.botId) {
      message.bot_id = input.botId;
      message.app_id = this.ids.appId;
    }
    const user = input.user ?? (input.botId ? this.ids.botUserId : undefined);
    if (user) message.user = user;
    if (input.blocks) message.blocks = input.blocks;
    if (input.attachments) message.attachments = input.attachments;
    if (input.metadata) message.metadata = input.metadata;
    if (input.files?.length) {
      message.files = input.files;
      message.upload = true;
      for (const file of input.files) this.#share(file, input.channel, ts, input.threadTs);
    }
    if (input.threadTs) {
      const parent = this.getMessage(input.channel, input.threadTs);
      const rootTs = parent?.thread_ts ?? input.threadTs;
      message.thread_ts = rootTs;
      const root = this.getMessage(input.channel, rootTs);
      if (root) {
        message.parent_user_id = root.user;
        root.thread_ts = rootTs;
        root.reply_count = (root.reply_count ?? 0) + 1;
        const users = new Set(root.reply_users ?? []);
        if (message.user) users.add(message.user);
        root.reply_users = [...users];
        root.reply_users_count = users.size;
        root.latest_reply = ts;
      }
      if (input.replyBroadcast) message.subtype = "thread_broadcast";
    }
    const list = this.#messages.get(input.channel) ?? [];
    list.push(message);
    list.sort((a, b) => Number(a.ts) - Number(b.ts));
    this.#messages.set(input.channel, list);
    this.#byTs.set(`${input.channel}:${ts}`, message);
    return message;
  }

  getMessage(channel: string, ts: string): SlackMessage | undefined {
    return this.#byTs.get(`${channel}:${ts}`);
  }

  deleteMessage(channel: string, ts: string): boolean {
    const list = this.#messages.get(channel);
    const message = this.#byTs.get(`${channel}:${ts}`);
    if (!list || !message) return false;
    list.splice(list.indexOf(message), 1);
    this.#byTs.delete(`${channel}:${ts}`);
    return true;
  }

  /** Every message of a channel, thread replies included, oldest first. */
  allMessages(channel: string): SlackMessage[] {
    return [...(this.#messages.get(channel) ?? [])];
  }

  /** What conversations.history shows: top-level messages and broadcast replies, newest first. */
  history(channel: string): SlackMessage[] {
    return this.allMessages(channel)
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === "thread_broadcast")
      .reverse();
  }

  /** A thread: its root then its replies, oldest first; empty when the root is unknown. */
  thread(channel: string, rootTs: string): SlackMessage[] {
    const root = this.getMessage(channel, rootTs);
    if (!root) return [];
    return [root, ...this.allMessages(channel).filter((m) => m.thread_ts === rootTs && m.ts !== rootTs)];
  }

  #share(file: SlackFile, channel: string, ts: string, threadTs?: string): void {
    const shares = file.shares ?? {};
    const pub = shares.public ?? {};
    const entry = { ts, channel_name: channel.toLowerCase(), ...(threadTs ? { thread_ts: threadTs } : {}) };
    pub[channel] = [...(pub[channel] ?? []), entry];
    shares.public = pub;
    file.shares = shares;
    file.channels = [...new Set([...(file.channels ?? []), channel])];
  }
}
