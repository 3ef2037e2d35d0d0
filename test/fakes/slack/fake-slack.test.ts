import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { App, LogLevel } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { DEFAULT_SIGNING_SECRET, FakeSlack, SignedSender, type SlackMessage } from "./index.js";

const PNG_BYTES = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("fake Slack with a real Bolt App over HTTP", () => {
  let fake: FakeSlack;
  let app: App;
  let sender: SignedSender;
  const commands: Array<{ text: string; channel: string }> = [];
  const mention = deferred<Record<string, unknown>>();
  const submission = deferred<{ values: unknown; metadata: string }>();

  before(async () => {
    fake = await FakeSlack.start();
    app = new App({
      token: fake.botToken,
      signingSecret: DEFAULT_SIGNING_SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl },
    });
    app.command("/edit", async ({ command, ack, respond }) => {
      commands.push({ text: command.text, channel: command.channel_id });
      await ack({ response_type: "ephemeral", text: `queued: ${command.text}` });
      await respond({ response_type: "ephemeral", text: `took the newest image for: ${command.text}` });
    });
    app.event("app_mention", async ({ event }) => {
      mention.resolve(event as unknown as Record<string, unknown>);
    });
    app.shortcut("edit_image", async ({ shortcut, ack, client }) => {
      await ack();
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: {
          type: "modal",
          callback_id: "edit_modal",
          private_metadata: JSON.stringify({ ts: (shortcut as { message_ts: string }).message_ts }),
          title: { type: "plain_text", text: "Edit image" },
          submit: { type: "plain_text", text: "Edit" },
          blocks: [
            {
              type: "input",
              block_id: "prompt",
              label: { type: "plain_text", text: "Prompt" },
              element: { type: "plain_text_input", action_id: "value" },
            },
          ],
        },
      });
    });
    app.view("edit_modal", async ({ view, ack }) => {
      await ack();
      submission.resolve({ values: view.state.values, metadata: view.private_metadata });
    });
    const server = (await app.start(0)) as { address(): AddressInfo };
    sender = new SignedSender({
      url: `http://127.0.0.1:${server.address().port}/slack/events`,
      signingSecret: DEFAULT_SIGNING_SECRET,
    });
  });

  after(async () => {
    await app.stop();
    await fake.close();
  });

  test("a signed slash command is acked with the handler's reply", async () => {
    const payload = fake.payloads.slashCommand({ command: "/edit", text: "make it snowy 0.6" });
    const response = await sender.slashCommand(payload);
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { response_type: "ephemeral", text: "queued: make it snowy 0.6" });
    assert.deepEqual(commands.at(-1), { text: "make it snowy 0.6", channel: payload.channel_id });
    const followUp = await fake.waitForCall("response_url", (c) =>
      String(c.params.text).endsWith("snowy 0.6"),
    );
    assert.equal(followUp.params.response_type, "ephemeral");
    assert.ok(payload.response_url.endsWith(fake.responses.at(-1)!.path));
  });

  test("a bad signature and a stale timestamp are both rejected with 401", async () => {
    const before = commands.length;
    const bad = await sender.slashCommand(fake.payloads.slashCommand({ text: "x" }), { badSignature: true });
    const stale = await sender.slashCommand(fake.payloads.slashCommand({ text: "y" }), { stale: true });
    assert.equal(bad.status, 401);
    assert.equal(stale.status, 401);
    assert.equal(commands.length, before);
  });

  test("url_verification is answered with the challenge", async () => {
    const response = await sender.event(fake.payloads.urlVerification("chal-123"));
    assert.equal(response.status, 200);
    assert.match(response.body, /chal-123/);
  });

  test("an app_mention event reaches the app with its files", async () => {
    const { message, file } = fake.postFileMessage({
      channel: "C0RFCHAN01",
      user: "U0RFUSER01",
      name: "cat.png",
      bytes: PNG_BYTES,
      text: `<@${fake.ids.botUserId}> add a hat`,
    });
    const event = fake.payloads.appMention({ text: message.text, ts: message.ts, files: message.files });
    const response = await sender.event(fake.payloads.eventCallback(event));
    assert.equal(response.status, 200);
    const received = await mention.promise;
    assert.equal(received.text, `<@${fake.ids.botUserId}> add a hat`);
    assert.equal((received.files as Array<{ id: string }>)[0].id, file.id);
    // Bolt asks who it is before dispatching the first event.
    await fake.waitForCall("auth.test");
  });

  test("files.uploadV2 lands in the fake with the exact bytes, in the thread", async () => {
    const root = await app.client.chat.postMessage({ channel: "C0RFCHAN01", text: "queued" });
    const result = await app.client.files.uploadV2({
      channel_id: "C0RFCHAN01",
      thread_ts: root.ts!,
      file: PNG_BYTES,
      filename: "result.png",
      initial_comment: "prompt: add a hat, strength 0.6",
    });
    assert.equal(result.ok, true);
    const upload = fake.uploads.at(-1)!;
    assert.deepEqual(upload.bytes, PNG_BYTES);
    assert.equal(upload.threadTs, root.ts);
    assert.equal(upload.file.name, "result.png");
    assert.equal(upload.file.mimetype, "image/png");
    const complete = await fake.waitForCall("files.completeUploadExternal");
    assert.equal(complete.params.channel_id, "C0RFCHAN01");
    assert.equal(complete.params.initial_comment, "prompt: add a hat, strength 0.6");

    const replies = await app.client.conversations.replies({ channel: "C0RFCHAN01", ts: root.ts! });
    const withFile = replies.messages?.find((m) => m.files?.length);
    assert.equal(withFile?.files?.[0]?.id, upload.file.id);
    assert.equal(withFile?.text, "prompt: add a hat, strength 0.6");
  });

  test("a message shortcut opens a modal whose submission reaches the app", async () => {
    const { message } = fake.postFileMessage({
      channel: "C0RFCHAN01",
      user: "U0RFUSER01",
      name: "a.png",
      bytes: PNG_BYTES,
    });
    const shortcut = fake.payloads.messageShortcut({ message });
    const response = await sender.interaction(shortcut);
    assert.equal(response.status, 200);
    const open = await fake.waitForCall("views.open", (c) => c.params.trigger_id === shortcut.trigger_id);
    assert.equal((open.params.view as { callback_id: string }).callback_id, "edit_modal");
    const view = [...fake.views.values()].find((v) => v.callback_id === "edit_modal")!;

    const values = { prompt: { value: { type: "plain_text_input", value: "in the style of Monet" } } };
    const submitted = await sender.interaction(fake.payloads.viewSubmission({ view, values }));
    assert.equal(submitted.status, 200);
    const got = await submission.promise;
    assert.deepEqual(got.values, values);
    assert.equal(JSON.parse(got.metadata).ts, message.ts);
  });

  test("a file download needs the bot token, and the fake records what was sent", async () => {
    const file = fake.registerFile({ name: "in.png", bytes: PNG_BYTES });
    const withToken = await fetch(file.url_private, {
      headers: { Authorization: `Bearer ${fake.botToken}` },
    });
    assert.equal(withToken.status, 200);
    assert.deepEqual(Buffer.from(await withToken.arrayBuffer()), PNG_BYTES);
    const without = await fetch(file.url_private_download, { redirect: "manual" });
    assert.equal(without.status, 302);
    const records = fake.downloads.filter((d) => d.fileId === file.id);
    assert.deepEqual(
      records.map((d) => [d.tokenSent, d.token, d.status]),
      [
        [true, fake.botToken, 200],
        [false, undefined, 302],
      ],
    );
  });

  test("a file on another (foreign) host is fetched without the token, and that is recorded", async () => {
    const foreign = await FakeSlack.start({ host: "127.0.0.2" });
    try {
      const file = foreign.registerFile({ name: "elsewhere.png", bytes: PNG_BYTES, requireAuth: false });
      assert.ok(file.url_private.startsWith("http://127.0.0.2:"));
      const response = await fetch(file.url_private);
      assert.equal(response.status, 200);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG_BYTES);
      assert.deepEqual(
        foreign.downloads.map((d) => [d.host, d.tokenSent]),
        [[`127.0.0.2:${foreign.port}`, false]],
      );
    } finally {
      await foreign.close();
    }
  });

  test("history, reactions, updates, ephemerals and block actions behave like Slack", async () => {
    const posted = await app.client.chat.postMessage({ channel: "C0RFHIST01", text: "status: queued" });
    await app.client.chat.update({ channel: "C0RFHIST01", ts: posted.ts!, text: "status: editing 3/10" });
    await app.client.reactions.add({ channel: "C0RFHIST01", timestamp: posted.ts!, name: "heavy_plus_sign" });
    await assert.rejects(
      app.client.reactions.add({ channel: "C0RFHIST01", timestamp: posted.ts!, name: "heavy_plus_sign" }),
      /already_reacted/,
    );
    await app.client.chat.postEphemeral({ channel: "C0RFHIST01", user: "U0RFUSER01", text: "only you" });
    const history = await app.client.conversations.history({ channel: "C0RFHIST01" });
    const top = history.messages?.[0] as SlackMessage;
    assert.equal(top.text, "status: editing 3/10");
    assert.deepEqual(top.reactions, [{ name: "heavy_plus_sign", users: [fake.ids.botUserId], count: 1 }]);
    assert.equal(fake.ephemerals.at(-1)?.text, "only you");

    const pressed = deferred<string>();
    app.action("rerun_stronger", async ({ ack, action }) => {
      await ack();
      pressed.resolve((action as { value: string }).value);
    });
    const actions = fake.payloads.blockActions({ actionId: "rerun_stronger", value: "0.7", message: top });
    assert.equal((await sender.interaction(actions)).status, 200);
    assert.equal(await pressed.promise, "0.7");
  });

  test("a wrong token is refused and rate limits are answered with 429 and Retry-After", async () => {
    const stranger = new WebClient("xoxb-wrong", { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });
    await assert.rejects(stranger.auth.test(), /invalid_auth/);

    const impatient = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      rejectRateLimitedCalls: true,
    });
    fake.rateLimit("chat.postMessage", 1, 7);
    await assert.rejects(impatient.chat.postMessage({ channel: "C0RFCHAN01", text: "x" }), (error: Error) => {
      assert.equal((error as Error & { retryAfter?: number }).retryAfter, 7);
      return true;
    });
    const patient = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
    });
    fake.rateLimit("chat.postMessage", 1, 0);
    const answer = await patient.chat.postMessage({ channel: "C0RFCHAN01", text: "after the limit" });
    assert.equal(answer.ok, true);
    const attempts = fake.calls("chat.postMessage").filter((c) => c.params.text === "after the limit");
    assert.deepEqual(
      attempts.map((c) => c.status),
      [429, 200],
    );
  });

  test("what Slack refuses is refused in its shapes: long section text, long private_metadata, long alt_txt", async () => {
    const client = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
    });
    const section = { type: "section" as const, text: { type: "mrkdwn" as const, text: "é".repeat(3001) } };
    await assert.rejects(
      client.chat.postMessage({ channel: "C0RFCHAN01", text: "x", blocks: [section] }),
      /invalid_blocks/,
    );
    section.text.text = "é".repeat(3000);
    assert.equal(
      (await client.chat.postMessage({ channel: "C0RFCHAN01", text: "x", blocks: [section] })).ok,
      true,
    );
    const view = {
      type: "modal" as const,
      title: { type: "plain_text" as const, text: "Edit image" },
      private_metadata: "x".repeat(3001),
      blocks: [],
    };
    await assert.rejects(client.views.open({ trigger_id: "1.2.3", view }), /invalid_arguments/);
    await assert.rejects(
      client.files.getUploadURLExternal({
        filename: "a.png",
        length: 10,
        alt_txt: "a".repeat(1001),
      } as never),
      /alt_txt_too_large/,
    );
  });
});

describe("fake Slack with a real Bolt App over Socket Mode", () => {
  test("a slash command envelope is delivered and acked", async () => {
    const fake = await FakeSlack.start();
    const app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl },
    });
    app.command("/edit-queue", async ({ command, ack }) => {
      await ack({ text: `queue for ${command.user_id}: empty` });
    });
    try {
      await app.start();
      await fake.waitForSocketConnection();
      const open = await fake.waitForCall("apps.connections.open");
      assert.equal(open.token, fake.appToken);

      const payload = fake.payloads.slashCommand({ command: "/edit-queue", userId: "U0RFUSER02" });
      const ack = await fake.socketSend("slash_commands", payload);
      assert.deepEqual(ack.payload, { text: "queue for U0RFUSER02: empty" });
      assert.ok(ack.ackMs >= 0);
      assert.equal(fake.socketAcks.length, 1);

      const mentioned = deferred<string>();
      app.event("app_mention", async ({ event }) => mentioned.resolve(event.text));
      const eventAck = await fake.socketSend(
        "events_api",
        fake.payloads.eventCallback(fake.payloads.appMention()),
      );
      assert.deepEqual(eventAck.payload, {});
      assert.equal(await mentioned.promise, `<@${fake.ids.botUserId}> make it a watercolor`);

      app.shortcut("edit_image", async ({ ack }) => ack());
      const { message } = fake.postFileMessage({
        channel: "C0RFCHAN01",
        user: "U0RFUSER01",
        name: "b.jpg",
        bytes: PNG_BYTES,
      });
      const shortcutAck = await fake.socketSend("interactive", fake.payloads.messageShortcut({ message }));
      assert.equal(shortcutAck.envelopeId, fake.socketAcks.at(-1)?.envelopeId);
      assert.equal(fake.socketAcks.length, 3);
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
