import { checkModal } from "../api-limits.js";
import { DiscordApiError } from "../errors/discord-api-error.js";
import type { RecordedFile } from "../recorder.js";
import type { Router } from "../router.js";
import type { InteractionRecord } from "../state.js";
import { type FakeMessage, Intent } from "../types.js";
import type { RouteContext } from "./route-context.js";

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

const Callback = {
  ChannelMessage: 4,
  DeferredChannelMessage: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** Interaction callbacks and the interaction webhook (follow-ups, @original). */
export function addInteractionRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;

  const channelOf = (record: InteractionRecord) => {
    const channel = record.channelId ? state.channels.get(record.channelId) : undefined;
    if (!channel) throw DiscordApiError.unknownChannel();
    return channel;
  };

  const responseExtras = (record: InteractionRecord, flags: number): Partial<FakeMessage> => {
    const commandType = (record.payload.data as { type?: number } | undefined)?.type;
    return {
      type: record.type === 2 ? (commandType === 1 ? 20 : 23) : 0,
      webhook_id: state.applicationId,
      application_id: state.applicationId,
      flags,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user: state.users.get(record.userId) ?? { id: record.userId },
        authorizing_integration_owners: { "0": record.guildId ?? "0" },
        ...(record.sourceMessageId ? { interacted_message_id: record.sourceMessageId } : {}),
      },
    };
  };

  const createResponse = async (
    record: InteractionRecord,
    data: Record<string, unknown>,
    files: RecordedFile[],
    extraFlags: number,
  ) => {
    const flags = (Number(data.flags ?? 0) & EPHEMERAL) | extraFlags;
    const message = await ctx.messages.create(channelOf(record), data, files, responseExtras(record, flags));
    if ((flags & EPHEMERAL) === 0) ctx.emit("MESSAGE_CREATE", message, Intent.GuildMessages);
    return message;
  };

  router.add(
    "POST",
    "/interactions/:interactionId/:token/callback",
    async ({ params, body, files, query }) => {
      const record = state.interactions.get(params.interactionId);
      if (!record || record.token !== params.token) throw DiscordApiError.unknownInteraction();
      const age = Date.now() - record.dispatchedAt;
      if (
        record.callbacks.length === 0 &&
        ctx.interactionDeadlineMs !== undefined &&
        age > ctx.interactionDeadlineMs
      ) {
        throw DiscordApiError.unknownInteraction();
      }
      if (record.callbacks.length > 0) throw DiscordApiError.alreadyAcknowledged();
      const callback = (body ?? {}) as { type?: number; data?: Record<string, unknown> };
      const data = callback.data ?? {};
      const fromMessage = record.sourceMessageId !== null;
      let message: FakeMessage | null = null;

      switch (callback.type) {
        case Callback.ChannelMessage:
          message = await createResponse(record, data, files, 0);
          record.originalMessageId = message.id;
          break;
        case Callback.DeferredChannelMessage:
          message = await createResponse(record, {}, [], LOADING | (Number(data.flags ?? 0) & EPHEMERAL));
          record.originalMessageId = message.id;
          break;
        case Callback.DeferredUpdateMessage:
        case Callback.UpdateMessage: {
          if (!fromMessage) throw invalidType();
          const source = state.messages.get(record.sourceMessageId ?? "");
          if (!source) throw DiscordApiError.unknownMessage();
          if (callback.type === Callback.UpdateMessage) await ctx.messages.edit(source, data, files);
          record.originalMessageId = source.id;
          message = source;
          break;
        }
        case Callback.AutocompleteResult:
          if (record.type !== 4) throw invalidType();
          break;
        case Callback.Modal:
          if (record.type === 5) throw invalidType();
          {
            const problems = checkModal(data);
            if (Object.keys(problems).length > 0) {
              throw DiscordApiError.invalidForm(
                Object.fromEntries(Object.entries(problems).map(([k, v]) => [`data.${k}`, v])),
              );
            }
          }
          record.modal = data;
          break;
        default:
          throw invalidType();
      }

      record.callbacks.push({ type: callback.type, at: Date.now(), data });
      record.ackDelayMs = age;
      if (query.get("with_response") !== "true") return { status: 204 };
      return {
        status: 200,
        body: {
          interaction: {
            id: record.id,
            type: record.type,
            ...(message
              ? {
                  response_message_id: message.id,
                  response_message_loading: (message.flags & LOADING) !== 0,
                  response_message_ephemeral: (message.flags & EPHEMERAL) !== 0,
                }
              : {}),
          },
          resource: { type: callback.type, ...(message ? { message: state.render(message) } : {}) },
        },
      };
    },
    { auth: false },
  );

  const interactionOf = (appId: string, token: string): InteractionRecord => {
    const record = state.interactionByToken(token);
    if (!record || appId !== state.applicationId || record.callbacks.length === 0) {
      throw DiscordApiError.unknownWebhook();
    }
    return record;
  };
  const ownMessage = (record: InteractionRecord, messageId: string): FakeMessage => {
    const id = messageId === "@original" ? record.originalMessageId : messageId;
    const mine = id !== null && (id === record.originalMessageId || record.followupIds.includes(id));
    const message = mine ? state.messages.get(id) : undefined;
    if (!message) throw DiscordApiError.unknownMessage();
    return message;
  };

  router.add(
    "POST",
    "/webhooks/:applicationId/:token",
    async ({ params, body, files }) => {
      const record = interactionOf(params.applicationId, params.token);
      const original = record.originalMessageId ? state.messages.get(record.originalMessageId) : undefined;
      // Discord's rule: the first follow-up after a deferred reply replaces the "thinking…" message.
      if (original && (original.flags & LOADING) !== 0) {
        await ctx.messages.edit(original, body, files);
        original.flags &= ~LOADING;
        return { status: 200, body: state.render(original) };
      }
      const data = (body ?? {}) as Record<string, unknown>;
      const message = await createResponse(record, data, files, 0);
      record.followupIds.push(message.id);
      return { status: 200, body: message };
    },
    { auth: false },
  );

  for (const path of [
    "/webhooks/:applicationId/:token/messages/@original",
    "/webhooks/:applicationId/:token/messages/:messageId",
  ]) {
    router.add(
      "GET",
      path,
      ({ params }) => {
        const record = interactionOf(params.applicationId, params.token);
        return { status: 200, body: state.render(ownMessage(record, params.messageId ?? "@original")) };
      },
      { auth: false },
    );
    router.add(
      "PATCH",
      path,
      async ({ params, body, files }) => {
        const record = interactionOf(params.applicationId, params.token);
        const message = ownMessage(record, params.messageId ?? "@original");
        await ctx.messages.edit(message, body, files);
        message.flags &= ~LOADING;
        if ((message.flags & EPHEMERAL) === 0) ctx.emit("MESSAGE_UPDATE", message, Intent.GuildMessages);
        return { status: 200, body: state.render(message) };
      },
      { auth: false },
    );
    router.add(
      "DELETE",
      path,
      ({ params }) => {
        const record = interactionOf(params.applicationId, params.token);
        const message = ownMessage(record, params.messageId ?? "@original");
        state.messages.delete(message.id);
        return { status: 204 };
      },
      { auth: false },
    );
  }
}

function invalidType(): DiscordApiError {
  return DiscordApiError.invalidForm({
    type: "Interaction response type is not valid for this interaction.",
  });
}
