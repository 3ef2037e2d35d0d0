import { randomBytes } from "node:crypto";
import type { FakeAttachment, FakeChannel, FakeEmoji, FakeMember, FakeMessage, FakeUser } from "./types.js";

/** Who sends an interaction and where: filled from the fake's state by `FakeDiscord.build`. */
export interface PayloadContext {
  applicationId: string;
  guildId: string;
  channel: FakeChannel;
  user: FakeUser;
  member: FakeMember;
  nextId: () => string;
  locale?: string;
  /** Bytes one upload may have in this interaction's context (`attachment_size_limit`). */
  attachmentSizeLimit?: number;
}

/** An option of a slash command: a basic option as Discord sends it, or an attachment to resolve. */
export type SlashOption =
  | { name: string; type: 3; value: string }
  | { name: string; type: 4 | 10; value: number }
  | { name: string; type: 5; value: boolean }
  | { name: string; type: 11; attachment: FakeAttachment };

/** Shorthands for slash options: `option.string("prompt", "a cat")`, `option.attachment("image", a)`. */
export const option = {
  string: (name: string, value: string): SlashOption => ({ name, type: 3, value }),
  integer: (name: string, value: number): SlashOption => ({ name, type: 4, value }),
  number: (name: string, value: number): SlashOption => ({ name, type: 10, value }),
  boolean: (name: string, value: boolean): SlashOption => ({ name, type: 5, value }),
  attachment: (name: string, attachment: FakeAttachment): SlashOption => ({ name, type: 11, attachment }),
};

export interface InteractionPayload {
  id: string;
  application_id: string;
  type: number;
  token: string;
  version: 1;
  guild_id: string;
  channel_id: string;
  channel: FakeChannel & { permissions: string };
  member: FakeMember & { permissions: string };
  app_permissions: string;
  locale: string;
  guild_locale: string;
  entitlements: unknown[];
  authorizing_integration_owners: Record<string, string>;
  context: 0;
  attachment_size_limit: number;
  data?: Record<string, unknown>;
  message?: FakeMessage;
}

export interface ReactionPayload {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id: string;
  emoji: FakeEmoji;
  member?: FakeMember;
  message_author_id?: string;
  burst: boolean;
  burst_colors?: string[];
  type: 0 | 1;
}

const MEMBER_PERMISSIONS = "2248473465835073";
const APP_PERMISSIONS = "2251799813685247";

/** Interaction tokens look like Discord's: "interaction:<id>:" in base64url, then random bytes. */
function interactionToken(id: string): string {
  return `${Buffer.from(`interaction:${id}:`).toString("base64url")}${randomBytes(96).toString("base64url")}`;
}

function base(ctx: PayloadContext, type: number, data?: Record<string, unknown>): InteractionPayload {
  const id = ctx.nextId();
  return {
    id,
    application_id: ctx.applicationId,
    type,
    token: interactionToken(id),
    version: 1,
    guild_id: ctx.guildId,
    channel_id: ctx.channel.id,
    channel: { ...ctx.channel, permissions: MEMBER_PERMISSIONS },
    member: { ...ctx.member, permissions: MEMBER_PERMISSIONS },
    app_permissions: APP_PERMISSIONS,
    locale: ctx.locale ?? "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": ctx.guildId },
    context: 0,
    attachment_size_limit: ctx.attachmentSizeLimit ?? 10 * 1024 * 1024,
    ...(data ? { data } : {}),
  };
}

/** A slash command (interaction type 2, command type 1); attachment options land in `resolved.attachments`. */
export function chatInputInteraction(
  ctx: PayloadContext,
  spec: { name: string; options?: SlashOption[]; commandId?: string },
): InteractionPayload {
  const attachments: Record<string, FakeAttachment> = {};
  const options = (spec.options ?? []).map((o) => {
    if (o.type !== 11) return o;
    attachments[o.attachment.id] = o.attachment;
    return { name: o.name, type: 11, value: o.attachment.id };
  });
  const data: Record<string, unknown> = {
    id: spec.commandId ?? ctx.nextId(),
    name: spec.name,
    type: 1,
    guild_id: ctx.guildId,
    ...(options.length > 0 ? { options } : {}),
    ...(Object.keys(attachments).length > 0 ? { resolved: { attachments } } : {}),
  };
  return base(ctx, 2, data);
}

/** A message context-menu command (interaction type 2, command type 3) on `target`. */
export function messageContextInteraction(
  ctx: PayloadContext,
  spec: { name: string; target: FakeMessage; commandId?: string },
): InteractionPayload {
  return base(ctx, 2, {
    id: spec.commandId ?? ctx.nextId(),
    name: spec.name,
    type: 3,
    guild_id: ctx.guildId,
    target_id: spec.target.id,
    resolved: { messages: { [spec.target.id]: spec.target } },
  });
}

/** A button (component type 2) or string select (3, with `values`) on `message`. */
export function componentInteraction(
  ctx: PayloadContext,
  spec: { customId: string; message: FakeMessage; componentType?: number; values?: string[] },
): InteractionPayload {
  const componentType = spec.componentType ?? (spec.values ? 3 : 2);
  const payload = base(ctx, 3, {
    custom_id: spec.customId,
    component_type: componentType,
    ...(spec.values ? { values: spec.values } : {}),
  });
  payload.message = spec.message;
  return payload;
}

/**
 * A modal submit (interaction type 5). `fields` maps each text input's custom_id to its value. By
 * default they come as Discord sends them for a modal built from Label components (type 18): each
 * a label holding the submitted text input, `{ type: 18, id, component: { type: 4, id, custom_id,
 * value } }` (Discord's "Modal Submit Data" / discord-api-types' ModalSubmitLabelComponent);
 * `layout: "action-row"` sends the deprecated shape, one text input per action row.
 */
export function modalSubmitInteraction(
  ctx: PayloadContext,
  spec: {
    customId: string;
    fields: Record<string, string>;
    message?: FakeMessage;
    layout?: "label" | "action-row";
  },
): InteractionPayload {
  const components = Object.entries(spec.fields).map(([custom_id, value], i) =>
    spec.layout === "action-row"
      ? { type: 1, id: i * 2 + 1, components: [{ type: 4, id: i * 2 + 2, custom_id, value }] }
      : { type: 18, id: i * 2 + 1, component: { type: 4, id: i * 2 + 2, custom_id, value } },
  );
  const payload = base(ctx, 5, { custom_id: spec.customId, components });
  if (spec.message) payload.message = spec.message;
  return payload;
}

/** A MESSAGE_REACTION_ADD event body: `emoji` is a unicode emoji or `{ id, name }` for a custom one. */
export function reactionAddPayload(spec: {
  user: FakeUser;
  member?: FakeMember;
  channelId: string;
  messageId: string;
  guildId: string;
  emoji: string | FakeEmoji;
  messageAuthorId?: string;
}): ReactionPayload {
  return {
    user_id: spec.user.id,
    channel_id: spec.channelId,
    message_id: spec.messageId,
    guild_id: spec.guildId,
    emoji: typeof spec.emoji === "string" ? { id: null, name: spec.emoji } : spec.emoji,
    ...(spec.member ? { member: spec.member } : {}),
    ...(spec.messageAuthorId ? { message_author_id: spec.messageAuthorId } : {}),
    burst: false,
    burst_colors: [],
    type: 0,
  };
}

/** A MESSAGE_REACTION_REMOVE event body (no member on removals, as on Discord). */
export function reactionRemovePayload(spec: {
  user: FakeUser;
  channelId: string;
  messageId: string;
  guildId: string;
  emoji: string | FakeEmoji;
}): Omit<ReactionPayload, "member" | "message_author_id" | "burst_colors"> {
  return {
    user_id: spec.user.id,
    channel_id: spec.channelId,
    message_id: spec.messageId,
    guild_id: spec.guildId,
    emoji: typeof spec.emoji === "string" ? { id: null, name: spec.emoji } : spec.emoji,
    burst: false,
    type: 0,
  };
}
