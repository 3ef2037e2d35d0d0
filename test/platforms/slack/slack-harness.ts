import sharp from "sharp";
import { type SlackHandle, startSlack } from "../../../src/platforms/slack/index.js";
import {
  DEFAULT_CHANNEL_ID,
  DEFAULT_SIGNING_SECRET,
  DEFAULT_USER_ID,
  FakeSlack,
  SignedSender,
  type SlackMessage,
} from "../../fakes/slack/index.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";

export const CHANNEL = DEFAULT_CHANNEL_ID;
export const USER = DEFAULT_USER_ID;

export interface SlackHarness {
  fake: FakeSlack;
  stack: Stack;
  slack: SlackHandle;
  /** Signed requests to the app's /slack/events (HTTP mode only). */
  sender: SignedSender;
  close(): Promise<void>;
}

/**
 * The real Bolt app on the shared core, pointed at the fake Slack through SLACK_API_URL; with the
 * tiny-model GPU worker unless `worker: false`; in Socket Mode with `socketMode: true`.
 */
export async function startSlackHarness(
  o: { name: string; worker?: boolean; socketMode?: boolean; env?: Record<string, string> } = {
    name: "slack",
  },
): Promise<SlackHarness> {
  const fake = await FakeSlack.start();
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: fake.apiUrl,
    SLACK_FILE_HOSTS: new URL(fake.apiUrl).host,
    SLACK_PORT: "0",
    ...(o.socketMode ? { SLACK_APP_TOKEN: fake.appToken } : { SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET }),
    ...o.env,
  };
  const stack = await startStack({ prefix: uniquePrefix(o.name), env, worker: o.worker });
  const slack = await startSlack(stack.ctx);
  await stack.ctx.startDeliveries();
  if (o.socketMode) await fake.waitForSocketConnection();
  const sender = new SignedSender({
    url: `http://127.0.0.1:${slack.port ?? 0}/slack/events`,
    signingSecret: DEFAULT_SIGNING_SECRET,
  });
  return {
    fake,
    stack,
    slack,
    sender,
    async close() {
      await slack.stop();
      await stack.close();
      await fake.close();
    },
  };
}

/** A small photo-like PNG (a gradient, so the tiny model has something to chew on). */
export async function testPng(width = 64, height = 48): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Texts of the messages in a thread, root excluded. */
export function replyTexts(fake: FakeSlack, rootTs: string, channel = CHANNEL): string[] {
  return fake
    .thread(channel, rootTs)
    .slice(1)
    .map((m) => m.text);
}

/** Waits until `predicate` holds on the fake's state (checked every 50 ms). */
export async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bot's result messages (those carrying an uploaded file) in a thread. */
export function resultMessages(fake: FakeSlack, rootTs: string, channel = CHANNEL): SlackMessage[] {
  return fake
    .thread(channel, rootTs)
    .slice(1)
    .filter((m) => m.user === fake.ids.botUserId && (m.files?.length ?? 0) > 0);
}

/** The bot's status messages in a thread (its text replies). */
export function statusMessages(fake: FakeSlack, rootTs: string, channel = CHANNEL): SlackMessage[] {
  return fake
    .thread(channel, rootTs)
    .slice(1)
    .filter((m) => m.bot_id === fake.ids.botId && !m.files?.length && !isControls(m));
}

function isControls(m: SlackMessage): boolean {
  return ((m.blocks ?? []) as { block_id?: string }[]).some((b) => b.block_id === "result_controls");
}

/** The message with a result's buttons: the bot's first controls message after the picture. */
export async function controlsFor(
  fake: FakeSlack,
  rootTs: string,
  result: SlackMessage,
  channel = CHANNEL,
): Promise<SlackMessage> {
  const find = () => {
    const thread = fake.thread(channel, rootTs);
    const after = thread.slice(thread.findIndex((m) => m.ts === result.ts) + 1);
    return after.find((m) => m.bot_id === fake.ids.botId && isControls(m));
  };
  await waitUntil(`the controls after result ${result.ts}`, () => find() !== undefined);
  return find()!;
}

/** The action_ids of the buttons on a message. */
export function buttonIds(message: SlackMessage): string[] {
  const ids: string[] = [];
  for (const block of (message.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[]) {
    if (block.type === "actions")
      for (const e of block.elements ?? []) if (e.action_id) ids.push(e.action_id);
  }
  return ids;
}
