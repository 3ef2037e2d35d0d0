import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CHANNEL,
  type SlackHarness,
  startSlackHarness,
  statusMessages,
  testPng,
  USER,
  waitUntil,
} from "./slack-harness.js";

/** SLACK_APP_TOKEN set: the same app over the fake's Socket Mode WebSocket instead of HTTP. */
describe("Slack app in Socket Mode", () => {
  let h: SlackHarness;
  let png: Buffer;

  before(async () => {
    h = await startSlackHarness({ name: "slack-socket", worker: false, socketMode: true });
    png = await testPng(32, 32);
  });

  after(async () => {
    await h.close();
  });

  test("connects with the app token and listens on no HTTP port", async () => {
    const open = await h.fake.waitForCall("apps.connections.open");
    assert.equal(open.token, h.fake.appToken);
    assert.equal(h.slack.mode, "socket");
    assert.equal(h.slack.port, undefined);
  });

  test("/edit over Socket Mode is acked and queued in the image's thread", async () => {
    const { fake } = h;
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "s.png", bytes: png });
    const ack = await fake.socketSend(
      "slash_commands",
      fake.payloads.slashCommand({ text: "make it stormy 0.7" }),
    );
    assert.ok(ack.envelopeId);
    await waitUntil("the queued status", () =>
      statusMessages(fake, message.ts).some((m) => /Queued/.test(m.text) && /stormy/.test(m.text)),
    );
  });

  test("the Edit image shortcut over Socket Mode opens the modal", async () => {
    const { fake } = h;
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "t.png", bytes: png });
    const shortcut = fake.payloads.messageShortcut({ message });
    await fake.socketSend("interactive", shortcut);
    const open = await fake.waitForCall("views.open", (c) => c.params.trigger_id === shortcut.trigger_id);
    assert.equal((open.params.view as { callback_id: string }).callback_id, "rf_edit_image_modal");
  });

  test("a shortcut on a message without an image tells the person, and opens nothing", async () => {
    const { fake } = h;
    const message = fake.postMessage({ channel: CHANNEL, user: USER, text: "words only" });
    const shortcut = fake.payloads.messageShortcut({ message });
    await fake.socketSend("interactive", shortcut);
    await fake.waitForCall("chat.postEphemeral", (c) => /no image I can edit/.test(String(c.params.text)));
    assert.equal(
      fake.calls("views.open").filter((c) => c.params.trigger_id === shortcut.trigger_id).length,
      0,
    );
  });
});
