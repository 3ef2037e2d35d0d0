import { randomBytes } from "node:crypto";
import { DEFAULT_CHANNEL_ID, DEFAULT_USER_ID } from "./default-ids.js";
import type { SlackFile, SlackIds, SlackMessage, StoredView } from "./types.js";

/** The legacy verification token Slack still puts into payloads; Bolt ignores it. */
const VERIFICATION_TOKEN = "fakeVerificationToken0001";

export interface SlackPayloadsOptions {
  ids: SlackIds;
  /** Makes a response_url; the fake's own, so nothing leaves loopback. */
  responseUrl: (kind: "commands" | "actions") => string;
}

interface Who {
  userId?: string;
  channelId?: string;
}

export interface SlashCommandInput extends Who {
  command?: string;
  text?: string;
  triggerId?: string;
  responseUrl?: string;
}

export interface MessageEventInput {
  text?: string;
  user?: string;
  channel?: string;
  ts?: string;
  threadTs?: string;
  files?: SlackFile[];
  subtype?: string;
}

export interface ReactionAddedInput {
  reaction: string;
  itemTs: string;
  user?: string;
  itemChannel?: string;
  itemUser?: string;
}

export interface MessageShortcutInput extends Who {
  message: SlackMessage;
  callbackId?: string;
  triggerId?: string;
  responseUrl?: string;
}

export interface BlockActionsInput extends Who {
  actionId: string;
  value?: string;
  blockId?: string;
  text?: string;
  /** The message the button sits on; omit when the button is in a modal (give `view`). */
  message?: SlackMessage;
  view?: StoredView;
  triggerId?: string;
  responseUrl?: string;
}

export interface ViewSubmissionInput {
  /** The view being submitted, typically `fake.views.get(id)` after views.open. */
  view?: StoredView;
  callbackId?: string;
  privateMetadata?: string;
  /** Slack's `view.state.values`: `{ [blockId]: { [actionId]: { type, value } } }`. */
  values: Record<string, Record<string, Record<string, unknown>>>;
  userId?: string;
  triggerId?: string;
}

export type SlashCommandPayload = Record<string, string>;
export type SlackEvent = Record<string, unknown> & { type: string };
export type EventCallbackPayload = Record<string, unknown> & { type: "event_callback"; event: SlackEvent };
export type InteractionPayload = Record<string, unknown> & { type: string };

/** Builds what Slack sends an app, with realistic ids: slash commands, events and interactions. */
export class SlackPayloads {
  #counter = 0;

  constructor(private readonly options: SlackPayloadsOptions) {}

  get ids(): SlackIds {
    return this.options.ids;
  }

  /** A fresh trigger_id in Slack's format (`<n>.<n>.<hex>`). */
  triggerId(): string {
    this.#counter += 1;
    return `${7000000000 + this.#counter}.${1234567890}.${randomBytes(16).toString("hex")}`;
  }

  #team(): { id: string; domain: string } {
    return { id: this.ids.teamId, domain: this.ids.teamDomain };
  }

  #user(userId: string): Record<string, string> {
    const name = `user-${userId.toLowerCase()}`;
    return { id: userId, username: name, name, team_id: this.ids.teamId };
  }

  /** A slash command's form fields (all strings), as POSTed to /slack/events or wrapped in a Socket Mode envelope. */
  slashCommand(input: SlashCommandInput = {}): SlashCommandPayload {
    const userId = input.userId ?? DEFAULT_USER_ID;
    const channelId = input.channelId ?? DEFAULT_CHANNEL_ID;
    return {
      token: VERIFICATION_TOKEN,
      team_id: this.ids.teamId,
      team_domain: this.ids.teamDomain,
      channel_id: channelId,
      channel_name: channelId.toLowerCase(),
      user_id: userId,
      user_name: `user-${userId.toLowerCase()}`,
      command: input.command ?? "/edit",
      text: input.text ?? "",
      api_app_id: this.ids.appId,
      is_enterprise_install: "false",
      response_url: input.responseUrl ?? this.options.responseUrl("commands"),
      trigger_id: input.triggerId ?? this.triggerId(),
    };
  }

  /** Wraps an event in the Events API `event_callback` envelope. */
  eventCallback(
    event: SlackEvent,
    options: { eventId?: string; eventTime?: number } = {},
  ): EventCallbackPayload {
    this.#counter += 1;
    return {
      token: VERIFICATION_TOKEN,
      team_id: this.ids.teamId,
      context_team_id: this.ids.teamId,
      api_app_id: this.ids.appId,
      event,
      type: "event_callback",
      event_id: options.eventId ?? `Ev0RF${String(this.#counter).padStart(6, "0")}`,
      event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.ids.teamId,
          user_id: this.ids.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${randomBytes(12).toString("base64url")}`,
    };
  }

  urlVerification(challenge = randomBytes(16).toString("hex")): Record<string, string> {
    return { token: VERIFICATION_TOKEN, challenge, type: "url_verification" };
  }

  /** `app_mention`; text defaults to a mention of the bot with a prompt. */
  appMention(input: MessageEventInput = {}): SlackEvent {
    const ts = input.ts ?? "1700000000.000100";
    return {
      type: "app_mention",
      client_msg_id: randomBytes(16).toString("hex"),
      user: input.user ?? DEFAULT_USER_ID,
      text: input.text ?? `<@${this.ids.botUserId}> make it a watercolor`,
      ts,
      team: this.ids.teamId,
      channel: input.channel ?? DEFAULT_CHANNEL_ID,
      event_ts: ts,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...(input.files ? { files: input.files } : {}),
    };
  }

  /** A `message` event; with files it is a `file_share` message, as Slack sends it. */
  messageEvent(input: MessageEventInput = {}): SlackEvent {
    const ts = input.ts ?? "1700000000.000100";
    const subtype = input.subtype ?? (input.files?.length ? "file_share" : undefined);
    return {
      type: "message",
      ...(subtype ? { subtype } : {}),
      user: input.user ?? DEFAULT_USER_ID,
      text: input.text ?? "",
      ts,
      team: this.ids.teamId,
      channel: input.channel ?? DEFAULT_CHANNEL_ID,
      channel_type: "channel",
      event_ts: ts,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...(input.files ? { files: input.files, upload: false } : {}),
    };
  }

  reactionAdded(input: ReactionAddedInput): SlackEvent {
    return {
      type: "reaction_added",
      user: input.user ?? DEFAULT_USER_ID,
      reaction: input.reaction,
      item_user: input.itemUser ?? this.ids.botUserId,
      item: { type: "message", channel: input.itemChannel ?? DEFAULT_CHANNEL_ID, ts: input.itemTs },
      event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
    };
  }

  /** A message shortcut ("Edit image" on a message): `type: "message_action"`. */
  messageShortcut(input: MessageShortcutInput): InteractionPayload {
    const userId = input.userId ?? DEFAULT_USER_ID;
    const channelId = input.channelId ?? DEFAULT_CHANNEL_ID;
    return {
      type: "message_action",
      token: VERIFICATION_TOKEN,
      action_ts: `${Math.floor(Date.now() / 1000)}.000300`,
      team: this.#team(),
      user: this.#user(userId),
      channel: { id: channelId, name: channelId.toLowerCase() },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: input.callbackId ?? "edit_image",
      trigger_id: input.triggerId ?? this.triggerId(),
      response_url: input.responseUrl ?? this.options.responseUrl("actions"),
      message_ts: input.message.ts,
      message: input.message,
    };
  }

  /** A button press, on a message or (with `view`) in a modal. */
  blockActions(input: BlockActionsInput): InteractionPayload {
    const userId = input.userId ?? DEFAULT_USER_ID;
    const channelId = input.channelId ?? DEFAULT_CHANNEL_ID;
    const container = input.view
      ? { type: "view", view_id: input.view.id }
      : { type: "message", message_ts: input.message?.ts, channel_id: channelId, is_ephemeral: false };
    return {
      type: "block_actions",
      user: this.#user(userId),
      api_app_id: this.ids.appId,
      token: VERIFICATION_TOKEN,
      container,
      trigger_id: input.triggerId ?? this.triggerId(),
      team: this.#team(),
      enterprise: null,
      is_enterprise_install: false,
      ...(input.view
        ? { view: input.view }
        : {
            channel: { id: channelId, name: channelId.toLowerCase() },
            message: input.message,
            state: { values: {} },
            response_url: input.responseUrl ?? this.options.responseUrl("actions"),
          }),
      actions: [
        {
          action_id: input.actionId,
          block_id: input.blockId ?? "controls",
          text: { type: "plain_text", text: input.text ?? input.actionId, emoji: true },
          ...(input.value !== undefined ? { value: input.value } : {}),
          type: "button",
          action_ts: `${Math.floor(Date.now() / 1000)}.000400`,
        },
      ],
    };
  }

  /** A modal's submission; give the stored `view` from views.open to carry its id and private_metadata. */
  viewSubmission(input: ViewSubmissionInput): InteractionPayload {
    const userId = input.userId ?? DEFAULT_USER_ID;
    const base = input.view;
    const viewId = base?.id ?? `V0RF${randomBytes(4).toString("hex").toUpperCase()}`;
    return {
      type: "view_submission",
      team: this.#team(),
      user: this.#user(userId),
      api_app_id: this.ids.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: input.triggerId ?? this.triggerId(),
      view: {
        id: viewId,
        team_id: this.ids.teamId,
        type: "modal",
        blocks: base?.blocks ?? [],
        private_metadata: input.privateMetadata ?? base?.private_metadata ?? "",
        callback_id: input.callbackId ?? base?.callback_id ?? "",
        state: { values: input.values },
        hash: base?.hash ?? `${Math.floor(Date.now() / 1000)}.abcdef12`,
        title: base?.title ?? { type: "plain_text", text: "Edit image", emoji: true },
        clear_on_close: false,
        notify_on_close: false,
        close: base?.close ?? null,
        submit: base?.submit ?? { type: "plain_text", text: "Edit", emoji: true },
        previous_view_id: null,
        root_view_id: base?.root_view_id ?? viewId,
        app_id: this.ids.appId,
        external_id: base?.external_id ?? "",
        app_installed_team_id: this.ids.teamId,
        bot_id: this.ids.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
  }
}
