import { slackRefusal } from "./api-limits.js";
import type { CompletedUpload, SlackIds, SlackMessage, StoredView } from "./types.js";
import type { WorkspaceState } from "./workspace-state.js";

type Params = Record<string, unknown>;
type Answer = Record<string, unknown>;
type Handler = (params: Params) => Answer;

export interface PendingUpload {
  fileId: string;
  filename: string;
  length: number;
  altText?: string;
  bytes?: Buffer;
}

export interface WebApiContext {
  ids: SlackIds;
  state: WorkspaceState;
  botToken: string;
  appToken: string;
  baseUrl: () => string;
  socketUrl: () => string;
}

const APP_TOKEN_METHODS = new Set(["apps.connections.open"]);

function fail(error: string, extra: Answer = {}): Answer {
  return { ok: false, error, ...extra };
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The Web API methods rf-edit uses, answering in Slack's shapes from the fake workspace's state. */
export class WebApiMethods {
  readonly pendingUploads = new Map<string, PendingUpload>();
  readonly completedUploads: CompletedUpload[] = [];
  /** Display names users.info answers with, by user id (FakeSlack.setDisplayName). */
  readonly displayNames = new Map<string, string>();
  /** Completed uploads still to be left unshared (FakeSlack.withholdShares). */
  withheldShares = 0;
  readonly #handlers: Record<string, Handler>;

  constructor(private readonly ctx: WebApiContext) {
    this.#handlers = {
      "auth.test": () => this.#authTest(),
      "apps.connections.open": () => ({ ok: true, url: this.ctx.socketUrl() }),
      "chat.postMessage": (p) => this.#postMessage(p),
      "chat.update": (p) => this.#update(p),
      "chat.delete": (p) => this.#delete(p),
      "chat.postEphemeral": (p) => this.#postEphemeral(p),
      "chat.getPermalink": (p) => this.#permalink(p),
      "files.getUploadURLExternal": (p) => this.#getUploadUrl(p),
      "files.completeUploadExternal": (p) => this.#completeUpload(p),
      "files.info": (p) => this.#fileInfo(p),
      "views.open": (p) => this.#openView(p),
      "views.push": (p) => this.#openView(p),
      "views.update": (p) => this.#updateView(p),
      "conversations.history": (p) => this.#history(p),
      "conversations.replies": (p) => this.#replies(p),
      "conversations.info": (p) => this.#conversationInfo(p),
      "reactions.add": (p) => this.#react(p, true),
      "reactions.remove": (p) => this.#react(p, false),
      "users.info": (p) => this.#userInfo(p),
    };
  }

  /** Checks the token the way Slack does, then runs the method. Unknown methods answer unknown_method. */
  call(method: string, params: Params, token: string | undefined): Answer {
    const handler = this.#handlers[method];
    if (!handler) return fail("unknown_method");
    if (!token) return fail("not_authed");
    const wantsAppToken = APP_TOKEN_METHODS.has(method);
    if (token !== this.ctx.botToken && token !== this.ctx.appToken) return fail("invalid_auth");
    if (wantsAppToken !== (token === this.ctx.appToken)) return fail("not_allowed_token_type");
    const refusal = slackRefusal(method, params);
    if (refusal) return refusal;
    return handler(params);
  }

  #authTest(): Answer {
    const { ids } = this.ctx;
    return {
      ok: true,
      url: `https://${ids.teamDomain}.slack.com/`,
      team: "rf-edit test workspace",
      user: "rf-edit",
      team_id: ids.teamId,
      user_id: ids.botUserId,
      bot_id: ids.botId,
      is_enterprise_install: false,
    };
  }

  #botMessageShape(message: SlackMessage): Answer {
    return {
      ...message,
      bot_profile: {
        id: this.ctx.ids.botId,
        app_id: this.ctx.ids.appId,
        name: "rf-edit",
        team_id: this.ctx.ids.teamId,
      },
    };
  }

  #postMessage(p: Params): Answer {
    const channel = str(p.channel);
    if (!channel) return fail("channel_not_found");
    const text = str(p.text) ?? "";
    const blocks = list(p.blocks);
    const attachments = list(p.attachments);
    if (!text && !blocks?.length && !attachments?.length) return fail("no_text");
    const threadTs = str(p.thread_ts);
    const message = this.ctx.state.addMessage({
      channel,
      text,
      blocks,
      attachments,
      botId: this.ctx.ids.botId,
      threadTs: threadTs || undefined,
      replyBroadcast: truthy(p.reply_broadcast),
      metadata: p.metadata,
    });
    return { ok: true, channel, ts: message.ts, message: this.#botMessageShape(message) };
  }

  #update(p: Params): Answer {
    const channel = str(p.channel);
    const ts = str(p.ts);
    if (!channel || !ts) return fail("invalid_arguments");
    const message = this.ctx.state.getMessage(channel, ts);
    if (!message) return fail("message_not_found");
    if (message.bot_id !== this.ctx.ids.botId) return fail("cant_update_message");
    if (p.text !== undefined) message.text = str(p.text) ?? "";
    if (p.blocks !== undefined) message.blocks = list(p.blocks) ?? [];
    if (p.attachments !== undefined) message.attachments = list(p.attachments) ?? [];
    message.edited = { user: this.ctx.ids.botUserId, ts: this.ctx.state.nextTs() };
    return { ok: true, channel, ts, text: message.text, message: this.#botMessageShape(message) };
  }

  #delete(p: Params): Answer {
    const channel = str(p.channel);
    const ts = str(p.ts);
    if (!channel || !ts) return fail("invalid_arguments");
    return this.ctx.state.deleteMessage(channel, ts) ? { ok: true, channel, ts } : fail("message_not_found");
  }

  #postEphemeral(p: Params): Answer {
    const channel = str(p.channel);
    const user = str(p.user);
    if (!channel) return fail("channel_not_found");
    if (!user) return fail("user_not_in_channel");
    const text = str(p.text) ?? "";
    const blocks = list(p.blocks);
    if (!text && !blocks?.length) return fail("no_text");
    const messageTs = this.ctx.state.nextTs();
    const threadTs = str(p.thread_ts);
    this.ctx.state.ephemerals.push({
      channel,
      user,
      text,
      message_ts: messageTs,
      ...(blocks ? { blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    return { ok: true, message_ts: messageTs };
  }

  #permalink(p: Params): Answer {
    const channel = str(p.channel);
    const ts = str(p.message_ts);
    if (!channel || !ts || !this.ctx.state.getMessage(channel, ts)) return fail("message_not_found");
    return {
      ok: true,
      channel,
      permalink: `https://${this.ctx.ids.teamDomain}.slack.com/archives/${channel}/p${ts.replace(".", "")}`,
    };
  }

  #getUploadUrl(p: Params): Answer {
    const filename = str(p.filename);
    const length = Number(str(p.length));
    if (!filename || !Number.isInteger(length) || length < 1) return fail("invalid_arguments");
    // The documented argument is `alt_txt` (files.getUploadURLExternal); other names are ignored.
    const altText = str(p.alt_txt);
    if (altText !== undefined && [...altText].length > 1000) return fail("alt_txt_too_large");
    const fileId = this.ctx.state.nextId("F");
    this.pendingUploads.set(fileId, { fileId, filename, length, altText });
    return { ok: true, upload_url: `${this.ctx.baseUrl()}/upload/v1/${fileId}`, file_id: fileId };
  }

  #completeUpload(p: Params): Answer {
    const entries = list(p.files);
    if (!entries?.length) return fail("invalid_arguments");
    const channelId = str(p.channel_id) || undefined;
    const threadTs = str(p.thread_ts) || undefined;
    const initialComment = str(p.initial_comment);
    const uploads: PendingUpload[] = [];
    const titles: Array<string | undefined> = [];
    for (const entry of entries) {
      const { id, title } = (entry ?? {}) as { id?: string; title?: string };
      const pending = id ? this.pendingUploads.get(id) : undefined;
      if (!pending) return fail("file_not_found");
      if (!pending.bytes) return fail("file_upload_not_completed");
      uploads.push(pending);
      titles.push(title);
    }
    const files = uploads.map((u, i) => {
      this.pendingUploads.delete(u.fileId);
      return this.ctx.state.addFile({ id: u.fileId, name: u.filename, title: titles[i], bytes: u.bytes! });
    });
    let messageTs: string | undefined;
    const withhold = this.withheldShares > 0;
    if (withhold) this.withheldShares -= 1;
    if (channelId && !withhold) {
      const message = this.ctx.state.addMessage({
        channel: channelId,
        text: initialComment ?? "",
        user: this.ctx.ids.botUserId,
        threadTs,
        files,
        blocks: list(p.blocks),
      });
      messageTs = message.ts;
    }
    files.forEach((file, i) => {
      this.completedUploads.push({
        file,
        bytes: uploads[i].bytes!,
        channelId,
        threadTs,
        initialComment,
        messageTs,
      });
    });
    return { ok: true, files };
  }

  #fileInfo(p: Params): Answer {
    const stored = this.ctx.state.files.get(str(p.file) ?? "");
    if (!stored) return fail("file_not_found");
    return { ok: true, file: stored.file, comments: [], response_metadata: { next_cursor: "" } };
  }

  #storeView(view: Answer, previous?: StoredView): StoredView {
    const { ids, state } = this.ctx;
    const id = previous?.id ?? state.nextId("V");
    const stored: StoredView = {
      ...view,
      id,
      team_id: ids.teamId,
      type: str(view.type) ?? "modal",
      callback_id: str(view.callback_id) ?? "",
      private_metadata: str(view.private_metadata) ?? "",
      external_id: str(view.external_id) ?? previous?.external_id ?? "",
      hash: `${Date.now()}.${state.nextId("H")}`,
      app_id: ids.appId,
      bot_id: ids.botId,
      blocks: list(view.blocks) ?? [],
      state: { values: {} },
      root_view_id: previous?.root_view_id ?? id,
      previous_view_id: null,
    };
    state.views.set(id, stored);
    return stored;
  }

  #openView(p: Params): Answer {
    if (!str(p.trigger_id) && !str(p.interactivity_pointer)) return fail("invalid_arguments");
    if (!p.view || typeof p.view !== "object") return fail("invalid_arguments");
    // views.open: private_metadata is capped at 3000 characters; past it no modal opens.
    const metadata = str((p.view as Answer).private_metadata);
    if (metadata !== undefined && [...metadata].length > 3000) {
      return fail("invalid_arguments", {
        response_metadata: {
          messages: ["[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"],
        },
      });
    }
    return { ok: true, view: this.#storeView(p.view as Answer) };
  }

  #updateView(p: Params): Answer {
    if (!p.view || typeof p.view !== "object") return fail("invalid_arguments");
    const viewId = str(p.view_id);
    const externalId = str(p.external_id);
    const previous = viewId
      ? this.ctx.state.views.get(viewId)
      : [...this.ctx.state.views.values()].find((v) => externalId && v.external_id === externalId);
    if (!previous) return fail("not_found");
    const hash = str(p.hash);
    if (hash && hash !== previous.hash) return fail("hash_conflict");
    return { ok: true, view: this.#storeView(p.view as Answer, previous) };
  }

  #page(messages: SlackMessage[], p: Params): Answer {
    const limit = Math.min(Math.max(Number(str(p.limit) ?? 100) || 100, 1), 999);
    const cursor = str(p.cursor);
    const offset = cursor ? Number(Buffer.from(cursor, "base64").toString("utf8").replace("offset:", "")) : 0;
    const page = messages.slice(offset, offset + limit);
    const hasMore = offset + limit < messages.length;
    const nextCursor = hasMore ? Buffer.from(`offset:${offset + limit}`).toString("base64") : "";
    return { ok: true, messages: page, has_more: hasMore, response_metadata: { next_cursor: nextCursor } };
  }

  #withinBounds(messages: SlackMessage[], p: Params): SlackMessage[] {
    const inclusive = truthy(p.inclusive);
    const latest = str(p.latest);
    const oldest = str(p.oldest);
    return messages.filter((m) => {
      const t = Number(m.ts);
      if (latest && (inclusive ? t > Number(latest) : t >= Number(latest))) return false;
      if (oldest && (inclusive ? t < Number(oldest) : t <= Number(oldest))) return false;
      return true;
    });
  }

  #history(p: Params): Answer {
    const channel = str(p.channel);
    if (!channel) return fail("channel_not_found");
    return { ...this.#page(this.#withinBounds(this.ctx.state.history(channel), p), p), pin_count: 0 };
  }

  #replies(p: Params): Answer {
    const channel = str(p.channel);
    const ts = str(p.ts);
    if (!channel) return fail("channel_not_found");
    const message = ts ? this.ctx.state.getMessage(channel, ts) : undefined;
    if (!message) return fail("thread_not_found");
    // Slack answers a reply's ts with that reply alone, and a root's ts with the whole thread.
    const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    const messages = isReply ? [message] : this.ctx.state.thread(channel, message.ts);
    return this.#page(this.#withinBounds(messages, { ...p, inclusive: "true" }), p);
  }

  #conversationInfo(p: Params): Answer {
    const channel = str(p.channel);
    if (!channel) return fail("channel_not_found");
    const isIm = channel.startsWith("D");
    return {
      ok: true,
      channel: {
        id: channel,
        name: channel.toLowerCase(),
        is_channel: channel.startsWith("C"),
        is_group: channel.startsWith("G"),
        is_im: isIm,
        is_private: !channel.startsWith("C"),
        is_member: true,
        is_archived: false,
      },
    };
  }

  #react(p: Params, add: boolean): Answer {
    const channel = str(p.channel);
    const ts = str(p.timestamp);
    const name = str(p.name);
    if (!name) return fail("invalid_name");
    const message = channel && ts ? this.ctx.state.getMessage(channel, ts) : undefined;
    if (!message) return fail("message_not_found");
    const user = this.ctx.ids.botUserId;
    const reactions = message.reactions ?? [];
    const existing = reactions.find((r) => r.name === name);
    if (add) {
      if (existing?.users.includes(user)) return fail("already_reacted");
      if (existing) {
        existing.users.push(user);
        existing.count += 1;
      } else {
        reactions.push({ name, users: [user], count: 1 });
      }
    } else {
      if (!existing?.users.includes(user)) return fail("no_reaction");
      existing.users = existing.users.filter((u) => u !== user);
      existing.count -= 1;
      if (existing.count === 0) reactions.splice(reactions.indexOf(existing), 1);
    }
    message.reactions = reactions;
    return { ok: true };
  }

  #userInfo(p: Params): Answer {
    const id = str(p.user);
    if (!id || !/^[UW]/.test(id)) return fail("user_not_found");
    const isBot = id === this.ctx.ids.botUserId;
    const handle = isBot ? "rf-edit" : `user-${id.toLowerCase()}`;
    const name = this.displayNames.get(id) ?? handle;
    return {
      ok: true,
      user: {
        id,
        team_id: this.ctx.ids.teamId,
        name: handle,
        real_name: name,
        deleted: false,
        is_bot: isBot,
        is_admin: false,
        tz: "Europe/London",
        profile: { display_name: name, real_name: name, ...(isBot ? { bot_id: this.ctx.ids.botId } : {}) },
      },
    };
  }
}
