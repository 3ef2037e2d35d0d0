import sharp from "sharp";
import { startDiscord } from "../../../src/platforms/discord/index.js";
import type { PlatformHandle } from "../../../src/runtime/start-bot.js";
import {
  FakeDiscord,
  type FakeDiscordOptions,
  type FakeMessage,
  option,
  type RecordedRequest,
} from "../../fakes/discord/index.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

export const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkE0.discord-adapter-test-token-000000000";

export interface Harness {
  fake: FakeDiscord;
  stack: Stack;
  discord: PlatformHandle;
  /** Stops the Discord client and starts a new one on the same core (a bot restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A fake Discord, the core (with or without the tiny-model worker) and the real Discord client. */
export async function startHarness(
  o: {
    name: string;
    env?: Record<string, string>;
    worker?: boolean;
    deliveries?: boolean;
    /** Options of the fake (guilds, upload limits, ...). */
    fake?: Omit<FakeDiscordOptions, "token">;
  } = {
    name: "discord",
  },
): Promise<Harness> {
  const fake = await FakeDiscord.start({ token: TOKEN, ...o.fake });
  const stack = await startStack({
    prefix: uniquePrefix(o.name),
    worker: o.worker,
    env: {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_ATTACHMENT_HOSTS: fake.cdnHost,
      ...o.env,
    },
  });
  const h: Harness = {
    fake,
    stack,
    discord: await startDiscord(stack.ctx),
    async restart() {
      await h.discord.stop();
      h.discord = await startDiscord(stack.ctx);
    },
    async close() {
      await h.discord.stop();
      await stack.close();
      await fake.close();
    },
  };
  if (o.deliveries !== false) await stack.ctx.startDeliveries();
  return h;
}

export function png(
  width: number,
  height: number,
  rgb: [number, number, number] = [200, 60, 20],
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

/** Dispatches `/edit` with an uploaded file; returns the interaction payload. */
export async function slashEdit(
  fake: FakeDiscord,
  spec: {
    bytes?: Buffer;
    filename?: string;
    contentType?: string;
    prompt?: string;
    strength?: number;
    seed?: number;
    user?: FakeMessage["author"];
    attachment?: Awaited<ReturnType<FakeDiscord["addAttachment"]>>;
  },
) {
  const attachment =
    spec.attachment ??
    (await fake.addAttachment({
      filename: spec.filename ?? "cat.png",
      bytes: spec.bytes ?? (await png(64, 48)),
      contentType: spec.contentType,
      ephemeral: true,
    }));
  const options = [
    option.attachment("image", attachment),
    option.string("prompt", spec.prompt ?? "make it blue"),
  ];
  if (spec.strength !== undefined) options.push(option.number("strength", spec.strength));
  if (spec.seed !== undefined) options.push(option.integer("seed", spec.seed));
  const payload = fake.build.slashCommand({ name: "edit", options, user: spec.user });
  fake.dispatch("INTERACTION_CREATE", payload);
  return payload;
}

export const isResultPost = (r: RecordedRequest) =>
  r.method === "POST" && r.route === "/channels/:channelId/messages" && r.files.length > 0;

/** Text of the newest version of a message, from the fake's state. */
export function contentOf(fake: FakeDiscord, messageId: string): string {
  return fake.message(messageId)?.content ?? "";
}

/** Waits until some message in `channelId` satisfies `predicate`; returns it. */
export async function waitForMessage(
  fake: FakeDiscord,
  channelId: string,
  predicate: (m: FakeMessage) => boolean,
  timeoutMs = 20_000,
): Promise<FakeMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = fake.messagesIn(channelId).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = fake
        .messagesIn(channelId)
        .map((m) => `  ${m.id}: ${JSON.stringify(m.content).slice(0, 200)}`)
        .join("\n");
      throw new Error(`no matching message in ${channelId} after ${timeoutMs} ms; messages:\n${seen}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The thread the bot opened from its reply to an interaction. */
export async function threadOf(
  fake: FakeDiscord,
  interactionId: string,
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const original = fake.interaction(interactionId)?.originalMessageId;
    const thread = original ? fake.message(original)?.thread : undefined;
    if (thread) return thread.id;
    if (Date.now() > deadline) throw new Error(`no thread for interaction ${interactionId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The flags of an interaction's first callback (64: ephemeral). */
export function ackFlags(fake: FakeDiscord, interactionId: string): number {
  const first = fake.interaction(interactionId)?.callbacks[0];
  return ((first?.data ?? {}) as { flags?: number }).flags ?? 0;
}
