import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { checkMessageBody } from "./api-limits.js";
import { DiscordApiError } from "./errors/discord-api-error.js";
import type { RecordedFile } from "./recorder.js";
import type { DiscordState } from "./state.js";
import type { FakeAttachment, FakeChannel, FakeMessage } from "./types.js";

/** The message fields of a create/edit body (channel messages, interaction responses, webhooks). */
export interface MessageBody {
  content?: string | null;
  embeds?: unknown[] | null;
  components?: unknown[] | null;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
  flags?: number | null;
  message_reference?: Record<string, unknown> | null;
  sticker_ids?: string[];
  poll?: unknown;
  tts?: boolean;
}

/** Flags a client may set: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2. */
const SETTABLE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15);

/** Creates and edits messages from REST bodies and uploads, with Discord's limits and attachment rules. */
export class MessageFactory {
  constructor(
    private readonly state: DiscordState,
    private readonly cdnBaseUrl: () => string,
    private readonly maxUploadBytes: number,
  ) {}

  async create(
    channel: FakeChannel,
    rawBody: unknown,
    uploads: RecordedFile[],
    extras: Partial<FakeMessage> = {},
  ): Promise<FakeMessage> {
    const body = asBody(rawBody);
    validate(body, uploads, this.maxUploadBytes);
    const attachments = await this.attachments(channel.id, [], body.attachments ?? undefined, uploads);
    const hasContent =
      (body.content ?? "").length > 0 ||
      (body.embeds?.length ?? 0) > 0 ||
      attachments.length > 0 ||
      (body.components?.length ?? 0) > 0 ||
      (body.sticker_ids?.length ?? 0) > 0 ||
      body.poll !== undefined;
    if (!hasContent && extras.flags === undefined) throw DiscordApiError.emptyMessage();
    const message: FakeMessage = {
      id: this.state.ids.next(),
      type: body.message_reference ? 19 : 0,
      channel_id: channel.id,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      author: this.state.botUser,
      content: body.content ?? "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts ?? false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments,
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      pinned: false,
      flags: (body.flags ?? 0) & SETTABLE_FLAGS,
      ...(body.message_reference
        ? {
            message_reference: {
              type: 0,
              channel_id: channel.id,
              guild_id: channel.guild_id,
              ...body.message_reference,
            },
          }
        : {}),
      ...extras,
    };
    return this.state.addMessage(message);
  }

  async edit(message: FakeMessage, rawBody: unknown, uploads: RecordedFile[]): Promise<FakeMessage> {
    const body = asBody(rawBody);
    validate(body, uploads, this.maxUploadBytes);
    if (body.content !== undefined) message.content = body.content ?? "";
    if (body.embeds !== undefined) message.embeds = body.embeds ?? [];
    if (body.components !== undefined) message.components = body.components ?? [];
    if (body.flags !== undefined && body.flags !== null) {
      message.flags =
        (message.flags & ~SETTABLE_FLAGS) | (body.flags & SETTABLE_FLAGS) | (message.flags & (1 << 6));
    }
    if (body.attachments !== undefined || uploads.length > 0) {
      message.attachments = await this.attachments(
        message.channel_id,
        message.attachments,
        body.attachments ?? undefined,
        uploads,
      );
    }
    message.edited_timestamp = new Date().toISOString();
    return message;
  }

  /**
   * Discord's rule: `attachments` lists what the message keeps (existing ids) and describes new uploads
   * (ids are upload indexes, `files[n]`); uploads it does not list are appended; without `attachments`
   * existing ones stay and uploads are appended.
   */
  private async attachments(
    channelId: string,
    existing: FakeAttachment[],
    listed: MessageBody["attachments"] | undefined,
    uploads: RecordedFile[],
  ): Promise<FakeAttachment[]> {
    const byIndex = new Map<string, RecordedFile>();
    uploads.forEach((file, position) => {
      const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? /^file(\d*)$/.exec(file.field)?.[1];
      byIndex.set(index ? index : String(position), file);
    });
    const out: FakeAttachment[] = [];
    const used = new Set<RecordedFile>();
    if (!listed) out.push(...existing);
    for (const [i, entry] of (listed ?? []).entries()) {
      const id = String(entry.id);
      const kept = existing.find((a) => a.id === id);
      if (kept) {
        out.push(entry.description === undefined ? kept : { ...kept, description: entry.description });
        continue;
      }
      const upload = byIndex.get(id);
      if (!upload)
        throw DiscordApiError.invalidForm({ [`attachments.${i}.id`]: `Unknown attachment ${id}.` });
      used.add(upload);
      out.push(await this.upload(channelId, upload, entry.filename, entry.description));
    }
    for (const upload of uploads) if (!used.has(upload)) out.push(await this.upload(channelId, upload));
    return out;
  }

  private async upload(
    channelId: string,
    file: RecordedFile,
    filename?: string,
    description?: string,
  ): Promise<FakeAttachment> {
    const name = filename ?? file.filename;
    return this.storeAttachment(channelId, {
      filename: name,
      bytes: file.bytes,
      contentType: file.contentType,
      description,
    });
  }

  /** Stores bytes on the fake CDN and returns the attachment object Discord would show for them. */
  async storeAttachment(
    channelId: string,
    file: {
      filename: string;
      bytes: Buffer;
      contentType?: string;
      description?: string;
      ephemeral?: boolean;
    },
  ): Promise<FakeAttachment> {
    const id = this.state.ids.next();
    const dims = await imageSize(file.bytes);
    const contentType = file.contentType ?? dims?.contentType ?? "application/octet-stream";
    this.state.storeFile(channelId, id, { bytes: file.bytes, contentType, filename: file.filename });
    // Signed-URL query like Discord's (ex/is/hm): downloaders must keep it and hosts allow-lists ignore it.
    const expires = Math.floor(Date.now() / 1000) + 86400;
    const query = `ex=${expires.toString(16)}&is=${Math.floor(Date.now() / 1000).toString(16)}&hm=${randomBytes(32).toString("hex")}&`;
    const url = `${this.cdnBaseUrl()}/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}?${query}`;
    return {
      id,
      filename: file.filename,
      size: file.bytes.length,
      url,
      proxy_url: url,
      content_type: contentType,
      ...(dims ? { width: dims.width, height: dims.height } : {}),
      ...(file.description !== undefined ? { description: file.description } : {}),
      ...(file.ephemeral ? { ephemeral: true } : {}),
    };
  }
}

function asBody(raw: unknown): MessageBody {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw DiscordApiError.invalidForm({ _: "Expected an object." });
  return raw as MessageBody;
}

function validate(body: MessageBody, uploads: RecordedFile[], maxUploadBytes: number): void {
  const problems = checkMessageBody(body, uploads.length);
  if (Object.keys(problems).length > 0) throw DiscordApiError.invalidForm(problems);
  if (uploads.some((f) => f.bytes.length > maxUploadBytes)) throw DiscordApiError.tooLarge();
}

async function imageSize(
  bytes: Buffer,
): Promise<{ width: number; height: number; contentType: string } | null> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) return null;
    return { width: meta.width, height: meta.height, contentType: `image/${meta.format}` };
  } catch {
    return null;
  }
}
