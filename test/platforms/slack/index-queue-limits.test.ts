import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  buttonIds,
  replyTexts,
  type SlackHarness,
  startSlackHarness,
  statusMessages,
  testPng,
  USER,
  waitUntil,
} from "./slack-harness.js";

/** No GPU worker: jobs stay queued, so cancels, limits and the queue command are deterministic. */
describe("Slack app with a queue that does not move (cancel, limits)", () => {
  let h: SlackHarness;
  let png: Buffer;

  before(async () => {
    h = await startSlackHarness({
      name: "slack-limits",
      worker: false,
      env: { RATE_LIMIT_BURST: "1", RATE_LIMIT_PER_MINUTE: "0.1", MAX_QUEUE_LENGTH: "2" },
    });
    png = await testPng(32, 32);
  });

  after(async () => {
    await h.close();
  });

  /** Posts an image in `channel`, runs /edit there as `user`, and waits for the first answer. */
  async function editIn(channel: string, user: string, prompt = "make it snowy") {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({ channel, user, name: "in.png", bytes: png });
    const before = statusMessages(fake, message.ts, channel).length;
    const r = await sender.slashCommand(
      fake.payloads.slashCommand({ text: prompt, channelId: channel, userId: user }),
    );
    assert.equal(r.status, 200);
    await waitUntil("a settled status", () =>
      statusMessages(fake, message.ts, channel)
        .slice(before)
        .some((m) => m.text.includes("Queued") || m.text.startsWith("⚠️")),
    );
    return { rootTs: message.ts, status: statusMessages(fake, message.ts, channel).at(-1)! };
  }

  test("Cancel on the status message: refused for others, done for the requester", async () => {
    const { fake, sender } = h;
    const channel = "C0RFCANCEL";
    const { rootTs, status } = await editIn(channel, USER);
    const cancelId = buttonIds(status).find((id) => id.startsWith("rf:cancel:"));
    assert.ok(cancelId, "a queued job shows a Cancel button");

    await sender.interaction(
      fake.payloads.blockActions({
        actionId: cancelId,
        message: status,
        channelId: channel,
        userId: "U0RFOTHER1",
      }),
    );
    await waitUntil("the refusal", () => fake.ephemerals.some((e) => e.user === "U0RFOTHER1"));
    assert.match(fake.ephemerals.find((e) => e.user === "U0RFOTHER1")!.text, /Only the person who asked/);

    await sender.interaction(
      fake.payloads.blockActions({ actionId: cancelId, message: status, channelId: channel }),
    );
    await waitUntil("the cancelled status", () =>
      replyTexts(fake, rootTs, channel).some((t) => t.includes("Cancelled")),
    );
    const final = fake.message(channel, status.ts)!;
    // Named by display name (users.info), never mentioned: a mention would notify them.
    assert.match(final.text, new RegExp(`Cancelled by user-${USER.toLowerCase()}`));
    assert.doesNotMatch(final.text, /<@/);
    assert.deepEqual(buttonIds(final), [], "no Cancel button once cancelled");
  });

  test("✖ on the status message by the requester cancels the job", async () => {
    const { fake, sender } = h;
    const channel = "C0RFXREACT";
    const user = "U0RFXREACT";
    const { rootTs, status } = await editIn(channel, user, "make it foggy");
    const r = await sender.event(
      fake.payloads.eventCallback(
        fake.payloads.reactionAdded({
          reaction: "heavy_multiplication_x",
          itemTs: status.ts,
          itemChannel: channel,
          user,
        }),
      ),
    );
    assert.equal(r.status, 200);
    await waitUntil("the cancelled status", () =>
      replyTexts(fake, rootTs, channel).some((t) => t.includes("Cancelled")),
    );
    assert.match(fake.message(channel, status.ts)!.text, /Cancelled/);
  });

  test("/edit-queue lists the caller's job and /edit-cancel cancels the newest", async () => {
    const { fake, sender } = h;
    const user = "U0RFQUEUE1";
    await editIn("C0RFQUEUE1", user, "make it green");
    await sender.slashCommand(fake.payloads.slashCommand({ command: "/edit-queue", userId: user }));
    const listed = await fake.waitForCall("response_url", (c) => /make it green/.test(String(c.params.text)));
    assert.match(String(listed.params.text), /position 1/);
    await sender.slashCommand(fake.payloads.slashCommand({ command: "/edit-cancel", userId: user }));
    await fake.waitForCall("response_url", (c) => /Cancelled before it started/.test(String(c.params.text)));
    await sender.slashCommand(fake.payloads.slashCommand({ command: "/edit-cancel", userId: user }));
    await fake.waitForCall("response_url", (c) => /no edits waiting or running/.test(String(c.params.text)));
  });

  test("a second edit right away is rate-limited, in words", async () => {
    const { status } = await editIn("C0RFRATE01", USER);
    assert.match(status.text, /faster than this bot allows/);
  });

  test("a full queue is answered in words", async () => {
    const first = await editIn("C0RFFULL01", "U0RFFULL01");
    const second = await editIn("C0RFFULL02", "U0RFFULL02");
    const third = await editIn("C0RFFULL03", "U0RFFULL03");
    assert.match(first.status.text, /Queued/);
    assert.match(second.status.text, /Queued/);
    assert.match(third.status.text, /The queue is full right now/);
  });
});
