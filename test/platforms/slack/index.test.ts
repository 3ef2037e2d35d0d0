import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  buttonIds,
  CHANNEL,
  controlsFor,
  replyTexts,
  resultMessages,
  type SlackHarness,
  startSlackHarness,
  statusMessages,
  testPng,
  USER,
  waitUntil,
} from "./slack-harness.js";

describe("Slack app end to end (HTTP, tiny model)", () => {
  let h: SlackHarness;
  let png: Buffer;

  before(async () => {
    h = await startSlackHarness({ name: "slack-e2e" });
    png = await testPng();
  });

  after(async () => {
    await h.close();
  });

  test("/edit takes the newest image in the channel, names it, and posts the result in its thread", async () => {
    const { fake, sender } = h;
    fake.postFileMessage({ channel: CHANNEL, user: USER, name: "old.png", bytes: png });
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "cat.png", bytes: png });
    fake.postMessage({ channel: CHANNEL, user: USER, text: "no picture here" });

    const response = await sender.slashCommand(fake.payloads.slashCommand({ text: "make it snowy 0.6" }));
    assert.equal(response.status, 200);

    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    const result = resultMessages(fake, message.ts)[0];
    assert.deepEqual(
      buttonIds(await controlsFor(fake, message.ts, result)).map((id) => id.split(":")[1]),
      ["weaker", "stronger", "new-seed", "edit-again"],
    );
    const caption = String(result.text);
    assert.match(caption, /make it snowy/);
    assert.match(caption, /strength 0\.6/);
    assert.match(caption, /seed \d+/);
    await waitUntil("suggested reactions", () => (result.reactions?.length ?? 0) === 3);
    assert.deepEqual(
      result.reactions?.map((r) => r.name),
      ["heavy_minus_sign", "heavy_plus_sign", "game_die"],
    );
    await waitUntil("done status", () => replyTexts(fake, message.ts).some((t) => t.startsWith("✅ Done")));

    const named = fake.responses.find((r) => String(r.body.text).includes("cat.png"));
    assert.ok(named, "the caller is told which image was taken");
    assert.match(String(named.body.text), new RegExp(message.ts.replace(".", "")));
    // The token went to the file host, and only there.
    const download = fake.downloads.find((d) => d.path.includes(message.files![0].id));
    assert.equal(download?.token, fake.botToken);
  });

  test("@mention in a message with an image edits it in a thread of that message", async () => {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({
      channel: CHANNEL,
      user: USER,
      name: "dog.png",
      bytes: png,
      text: `<@${fake.ids.botUserId}> add a red hat 0.4`,
    });
    const event = fake.payloads.appMention({ text: message.text, ts: message.ts, files: message.files });
    assert.equal((await sender.event(fake.payloads.eventCallback(event))).status, 200);
    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    assert.match(String(resultMessages(fake, message.ts)[0].text), /add a red hat[\s\S]*strength 0\.4/);
  });

  test("@mention inside a thread takes the thread's image", async () => {
    const { fake, sender } = h;
    const { message: root } = fake.postFileMessage({
      channel: CHANNEL,
      user: USER,
      name: "tree.png",
      bytes: png,
    });
    const reply = fake.postMessage({
      channel: CHANNEL,
      user: USER,
      threadTs: root.ts,
      text: `<@${fake.ids.botUserId}> make it autumn`,
    });
    const event = fake.payloads.appMention({ text: reply.text, ts: reply.ts, threadTs: root.ts });
    await sender.event(fake.payloads.eventCallback(event));
    await waitUntil("the result", () => resultMessages(fake, root.ts).length === 1);
    assert.match(String(resultMessages(fake, root.ts)[0].text), /make it autumn/);
  });

  test("the Edit image shortcut opens a modal; its submission edits the message's image", async () => {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "house.png", bytes: png });
    const shortcut = fake.payloads.messageShortcut({ message });
    assert.equal((await sender.interaction(shortcut)).status, 200);
    const open = await fake.waitForCall("views.open", (c) => c.params.trigger_id === shortcut.trigger_id);
    const viewId = (open.response as { view: { id: string } }).view.id;
    const view = fake.views.get(viewId)!;
    const values = {
      prompt: { prompt_input: { type: "plain_text_input", value: "paint it blue" } },
      strength: { strength_input: { type: "number_input", value: "0.3" } },
    };
    assert.equal((await sender.interaction(fake.payloads.viewSubmission({ view, values }))).status, 200);
    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    assert.match(String(resultMessages(fake, message.ts)[0].text), /paint it blue[\s\S]*strength 0\.3/);
  });

  test("a ➕ reaction on the result re-runs it one step stronger; other emoji and the bot's own are ignored", async () => {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "a.png", bytes: png });
    await sender.slashCommand(fake.payloads.slashCommand({ text: "make it foggy 0.5" }));
    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    const result = resultMessages(fake, message.ts)[0];
    // People react once they see the result; the bot's own reactions mark it as fully posted.
    await waitUntil("suggested reactions", () => (result.reactions?.length ?? 0) === 3);
    const react = (reaction: string, user = USER) =>
      sender.event(
        fake.payloads.eventCallback(fake.payloads.reactionAdded({ reaction, itemTs: result.ts, user })),
      );
    await react("tada");
    await react("heavy_plus_sign", fake.ids.botUserId);
    await react("heavy_plus_sign");
    await waitUntil("the re-run", () => resultMessages(fake, message.ts).length === 2);
    const rerun = resultMessages(fake, message.ts)[1];
    assert.match(String(rerun.text), /strength 0\.6/);
    await waitUntil("suggested reactions on the re-run", () => (rerun.reactions?.length ?? 0) === 3);
    // :three: on the re-run's result sets the strength directly.
    await sender.event(
      fake.payloads.eventCallback(fake.payloads.reactionAdded({ reaction: "three", itemTs: rerun.ts })),
    );
    await waitUntil("the second re-run", () => resultMessages(fake, message.ts).length === 3);
    assert.match(String(resultMessages(fake, message.ts)[2].text), /strength 0\.3/);
    // Nothing else was started: once every job has ended, exactly these three results exist.
    await waitUntil(
      "all jobs ended",
      () => replyTexts(fake, message.ts).filter((t) => t.startsWith("✅")).length === 3,
    );
    const strengths = resultMessages(fake, message.ts).map(
      (m) => /strength (\d\.\d)/.exec(String(m.text))?.[1],
    );
    assert.deepEqual(strengths, ["0.5", "0.6", "0.3"]);
    assert.equal(statusMessages(fake, message.ts).length, 3);
  });

  test("a New seed button re-runs with another seed; Edit again chains an edit on the result", async () => {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "b.png", bytes: png });
    await sender.slashCommand(fake.payloads.slashCommand({ text: "make it sunny 0.5" }));
    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    const result = resultMessages(fake, message.ts)[0];
    const controls = await controlsFor(fake, message.ts, result);
    const ids = buttonIds(controls);
    const seedOf = (m: typeof result) => /seed (\d+)/.exec(String(m.text))?.[1];

    const newSeed = ids.find((id) => id.startsWith("rf:new-seed:"))!;
    await sender.interaction(fake.payloads.blockActions({ actionId: newSeed, message: controls }));
    await waitUntil("the new-seed result", () => resultMessages(fake, message.ts).length === 2);
    const second = resultMessages(fake, message.ts)[1];
    assert.notEqual(seedOf(second), seedOf(result));

    const again = ids.find((id) => id.startsWith("rf:edit-again:"))!;
    const press = fake.payloads.blockActions({ actionId: again, message: controls });
    await sender.interaction(press);
    const open = await fake.waitForCall("views.open", (c) => c.params.trigger_id === press.trigger_id);
    const view = fake.views.get((open.response as { view: { id: string } }).view.id)!;
    const values = { prompt: { prompt_input: { type: "plain_text_input", value: "now add a rainbow" } } };
    await sender.interaction(fake.payloads.viewSubmission({ view, values }));
    await waitUntil("the chained result", () => resultMessages(fake, message.ts).length === 3);
    const chained = resultMessages(fake, message.ts)[2];
    assert.match(String(chained.text), /now add a rainbow/);
    const jobOf = (id: string) => id.split(":")[2];
    const chainedJob = await h.stack.ctx.service.findRecord(
      jobOf(buttonIds(await controlsFor(fake, message.ts, chained))[0]),
    );
    assert.equal(chainedJob?.job.kind, "chain");
    assert.equal(chainedJob?.job.parentJobId, jobOf(again));
  });

  test("a file on a foreign host is refused in words and the token is never sent there", async () => {
    const { fake, sender } = h;
    const { FakeSlack } = await import("../../fakes/slack/index.js");
    const foreign = await FakeSlack.start({ host: "127.0.0.2" });
    try {
      const file = foreign.registerFile({ name: "elsewhere.png", bytes: png, requireAuth: false });
      const root = fake.postMessage({
        channel: CHANNEL,
        user: USER,
        text: `<@${fake.ids.botUserId}> make it pink`,
        files: [file],
      });
      const event = fake.payloads.appMention({ text: root.text, ts: root.ts, files: root.files });
      await sender.event(fake.payloads.eventCallback(event));
      await waitUntil("the refusal", () => replyTexts(fake, root.ts).some((t) => t.startsWith("⚠️")));
      assert.match(replyTexts(fake, root.ts).join("\n"), /own file servers/);
      assert.equal(foreign.downloads.filter((d) => d.tokenSent).length, 0);
      assert.equal(foreign.downloads.length, 0);
    } finally {
      await foreign.close();
    }
  });

  test("bad inputs are answered in words: not an image, too large, empty prompt", async () => {
    const { fake, sender } = h;
    const mentionWith = async (files: ReturnType<typeof fake.registerFile>[], text: string) => {
      const root = fake.postMessage({ channel: CHANNEL, user: USER, text, files });
      const event = fake.payloads.appMention({ text, ts: root.ts, files: root.files });
      await sender.event(fake.payloads.eventCallback(event));
      await waitUntil(`an answer to ${text}`, () => replyTexts(fake, root.ts).some((t) => t.startsWith("⚠️")));
      return replyTexts(fake, root.ts).join("\n");
    };
    const bot = `<@${fake.ids.botUserId}>`;
    const pdf = fake.registerFile({ name: "report.pdf", bytes: Buffer.from("%PDF-1.4"), user: USER });
    assert.match(await mentionWith([pdf], `${bot} make it nice`), /"report\.pdf" is not an image/);
    const huge = fake.registerFile({ name: "huge.png", bytes: png, size: 500 * 1024 * 1024, user: USER });
    assert.match(await mentionWith([huge], `${bot} make it nice`), /too large/);
    // A whitespace-only prompt is told to the person alone, and nothing is written to the thread.
    const ok = fake.registerFile({ name: "fine.png", bytes: png, user: USER });
    const root = fake.postMessage({ channel: CHANNEL, user: USER, text: `${bot} \u3000 `, files: [ok] });
    await sender.event(
      fake.payloads.eventCallback(
        fake.payloads.appMention({ text: root.text, ts: root.ts, files: root.files }),
      ),
    );
    await waitUntil("the private refusal", () =>
      fake.ephemerals.some((e) => e.user === USER && /Tell me what to change/.test(e.text)),
    );
    assert.deepEqual(replyTexts(fake, root.ts), [], "no thread was started for it");
    // Neither the PDF nor the huge file was downloaded: the declared type and size were checked first.
    assert.equal(fake.downloads.filter((d) => d.fileId === pdf.id || d.fileId === huge.id).length, 0);
  });

  test("/edit in a channel without images says so, only to the caller", async () => {
    const { fake, sender } = h;
    fake.postMessage({ channel: "C0RFEMPTY1", user: USER, text: "just words" });
    const payload = fake.payloads.slashCommand({ text: "make it snowy", channelId: "C0RFEMPTY1" });
    await sender.slashCommand(payload);
    await fake.waitForCall("response_url", (c) => /can't find an image/.test(String(c.params.text)));
    assert.equal(fake.allMessages("C0RFEMPTY1").length, 1);
  });

  test("a bad signature and a stale timestamp are rejected and start nothing", async () => {
    const { fake, sender } = h;
    const before = fake.calls("conversations.history").length;
    const bad = await sender.slashCommand(fake.payloads.slashCommand({ text: "x" }), { badSignature: true });
    const stale = await sender.slashCommand(fake.payloads.slashCommand({ text: "y" }), { stale: true });
    assert.equal(bad.status, 401);
    assert.equal(stale.status, 401);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fake.calls("conversations.history").length, before);
  });
});
