import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { controlId } from "../../../src/core/rerun-action.js";
import { type FakeMessage, option, type RecordedRequest } from "../../fakes/discord/index.js";
import {
  ackFlags,
  contentOf,
  type Harness,
  isResultPost,
  png,
  slashEdit,
  startHarness,
  threadOf,
  waitForMessage,
} from "./discord-harness.js";

describe("Discord bot: /edit end to end on the tiny model", () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ name: "discord-edit", env: { MAX_PROMPT_CHARS: "60" } });
  });
  after(async () => {
    await h?.close();
  });

  it("defers, answers in a thread with a moving status, and posts the PNG with caption and controls", async () => {
    const { fake } = h;
    const payload = await slashEdit(fake, {
      bytes: await png(96, 64),
      prompt: "make it blue",
      strength: 0.6,
      seed: 7,
    });
    const result = await fake.waitForRequest(isResultPost, 30_000);

    const record = fake.interaction(payload.id);
    assert.equal(record?.callbacks[0].type, 5, "the first answer is a deferred reply");
    const threadId = await threadOf(fake, payload.id);
    assert.equal(result.params.channelId, threadId, "the result goes into the thread");
    assert.equal(result.headers.authorization?.startsWith("Bot "), true, "posted with the bot token");

    const meta = await sharp(result.files[0].bytes).metadata();
    assert.equal(meta.format, "png");
    assert.ok(meta.width && meta.height && meta.width > 0);
    assert.equal(
      Math.round(((meta.width ?? 0) / (meta.height ?? 1)) * 10) / 10,
      1.5,
      "keeps the aspect ratio",
    );

    const body = result.body as {
      content: string;
      components: { components: { custom_id: string; label: string }[] }[];
    };
    assert.match(body.content, /"make it blue"/);
    assert.match(body.content, /strength 0\.6 · seed 7/);
    assert.match(body.content, /\d+\.\d s/);
    const resultMessage = JSON.parse(JSON.stringify(result.response)) as { id: string };
    const jobId = /^rf:weaker:(.+)$/.exec(body.components[0].components[0].custom_id)?.[1] ?? "";
    assert.deepEqual(
      body.components[0].components.map((c) => [c.label, c.custom_id]),
      [
        ["Weaker", controlId("weaker", jobId)],
        ["Stronger", controlId("stronger", jobId)],
        ["New seed", controlId("new-seed", jobId)],
        ["Edit again", controlId("edit-again", jobId)],
      ],
    );
    // The bot adds ➖ ➕ 🎲 itself.
    const reactions = await fake.waitForRequests(
      (r) => r.method === "PUT" && r.path.includes(`/messages/${resultMessage.id}/reactions/`),
      3,
    );
    assert.deepEqual(
      reactions.map((r) => decodeURIComponent(r.params.emoji)),
      ["➖", "➕", "🎲"],
    );

    // One status message in the thread, edited as the job moved, ending in "Done".
    const status = await waitForMessage(fake, threadId, (m) => /Done in/.test(m.content));
    const edits = fake.findRequests((r) => r.method === "PATCH" && r.params.messageId === status.id);
    assert.ok(edits.length >= 2, "the status message was edited as the job moved");
    const texts = edits.map((r) => (r.body as { content: string }).content).join("\n");
    assert.match(texts, /Queued|Inverting|Editing/);
    // The header (deferred reply) names the prompt.
    assert.match(contentOf(fake, record?.originalMessageId ?? ""), /make it blue/);
  });

  /** Runs one /edit to its result; returns the result message and its job. */
  async function editToResult(spec: Parameters<typeof slashEdit>[1] = {}) {
    const since = h.fake.mark();
    const payload = await slashEdit(h.fake, spec);
    const post = await h.fake.waitForRequest(isResultPost, 30_000, { sinceSeq: since });
    // The job is "done" (and its result message linked) once the status says so.
    await threadSays(payload.id, /Done in/);
    return { payload, ...resultOf(post) };
  }

  function resultOf(post: RecordedRequest) {
    const id = (post.response as { id: string }).id;
    const message = h.fake.message(id) as FakeMessage;
    const body = post.body as { content: string; components: { components: { custom_id: string }[] }[] };
    const jobId = /^rf:weaker:(.+)$/.exec(body.components[0].components[0].custom_id)?.[1] ?? "";
    return { message, caption: body.content, jobId, threadId: post.params.channelId, post };
  }

  async function nextResult(since: number) {
    const result = resultOf(await h.fake.waitForRequest(isResultPost, 30_000, { sinceSeq: since }));
    await waitForMessage(
      h.fake,
      result.threadId,
      (m) => /Done in/.test(m.content) && fakeEditedAfter(m, since),
    );
    return result;
  }

  /** True when the message was edited by a request after `since` (the re-run's own status). */
  function fakeEditedAfter(m: FakeMessage, since: number): boolean {
    return (
      h.fake.findRequests((r) => r.seq > since && r.method === "PATCH" && r.params.messageId === m.id)
        .length > 0
    );
  }

  async function threadSays(interactionId: string, pattern: RegExp): Promise<FakeMessage> {
    return waitForMessage(h.fake, await threadOf(h.fake, interactionId), (m) => pattern.test(m.content));
  }

  it("re-runs by reaction: ➕ gives a result 0.1 stronger; the bot's own ➖ ➕ 🎲 did nothing", async () => {
    const first = await editToResult({ strength: 0.5, seed: 3, prompt: "a snowy street" });
    assert.match(first.caption, /strength 0\.5 · seed 3/);
    // Let the bot's own reactions arrive (echoed by the fake as Discord does), then react as a person.
    await h.fake.waitForRequests((r) => r.method === "PUT" && r.path.includes(first.message.id), 3);
    const since = h.fake.mark();
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "➕" }),
    );
    const second = await nextResult(since);
    assert.equal(second.threadId, first.threadId, "the re-run answers in the same thread");
    assert.match(second.caption, /strength 0\.6 · seed 3/);
    const results = h.fake.findRequests((r) => isResultPost(r) && r.seq > since);
    assert.equal(results.length, 1, "only the person's reaction caused a re-run");
  });

  it("re-runs by button: Weaker gives a result 0.1 weaker and an ephemeral note", async () => {
    const first = await editToResult({ strength: 0.7, seed: 11 });
    const since = h.fake.mark();
    const click = h.fake.build.component({
      customId: controlId("weaker", first.jobId),
      message: first.message,
    });
    h.fake.dispatch("INTERACTION_CREATE", click);
    const second = await nextResult(since);
    assert.match(second.caption, /strength 0\.6 · seed 11/);
    const record = h.fake.interaction(click.id);
    assert.equal(record?.callbacks[0].type, 5);
    assert.equal(ackFlags(h.fake, click.id) & 64, 64, "ephemeral");
  });

  it("numbers and 🎲: 3️⃣ sets strength 0.3, 🎲 keeps the strength with a new seed", async () => {
    const first = await editToResult({ strength: 0.5, seed: 5 });
    let since = h.fake.mark();
    h.fake.dispatch("MESSAGE_REACTION_ADD", h.fake.build.reactionAdd({ message: first.message, emoji: "3️⃣" }));
    assert.match((await nextResult(since)).caption, /strength 0\.3 · seed 5 /);
    since = h.fake.mark();
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "🎲" }),
    );
    const dice = await nextResult(since);
    assert.match(dice.caption, /strength 0\.5 · seed \d+/);
    assert.doesNotMatch(dice.caption, /seed 5 /);
  });

  it("ignores reactions by other bots, by the bot itself, and with other emoji", async () => {
    const first = await editToResult({ strength: 0.5, seed: 9 });
    const since = h.fake.mark();
    const robot = h.fake.addUser("robot", { bot: true });
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "➕", user: robot }),
    );
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "1️⃣", user: h.fake.botUser }),
    );
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "👍" }),
    );
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: { id: "123456789012345678", name: "plus" } }),
    );
    // A real one afterwards: when its result is in, the ignored ones have long been handled.
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "➖" }),
    );
    const after = await nextResult(since);
    assert.match(after.caption, /strength 0\.4 · seed 9/);
    const posts = h.fake.findRequests(
      (r) => r.seq > since && r.method === "POST" && r.route === "/channels/:channelId/messages",
    );
    assert.equal(posts.filter(isResultPost).length, 1);
    assert.equal(posts.length, 2, "one status message and one result: nothing for the ignored reactions");
  });

  it("chains edits: Edit again opens a modal, and its submit edits the result itself", async () => {
    const first = await editToResult({ strength: 0.5, seed: 1, prompt: "make it blue" });
    const click = h.fake.build.component({
      customId: controlId("edit-again", first.jobId),
      message: first.message,
    });
    h.fake.dispatch("INTERACTION_CREATE", click);
    await h.fake.waitForRequest(
      (r) =>
        r.route === "/interactions/:interactionId/:token/callback" && r.params.interactionId === click.id,
    );
    const modal = h.fake.interaction(click.id)?.modal as { custom_id: string };
    assert.equal(modal.custom_id, controlId("edit-again", first.jobId));
    const since = h.fake.mark();
    const submit = h.fake.build.modalSubmit({
      customId: modal.custom_id,
      fields: { prompt: "now at night", strength: "0.4" },
      message: first.message,
    });
    h.fake.dispatch("INTERACTION_CREATE", submit);
    const second = await nextResult(since);
    assert.match(second.caption, /"now at night"/);
    assert.match(second.caption, /strength 0\.4/);
    assert.equal(second.threadId, first.threadId);
    const parent = await h.stack.ctx.service.findRecord(first.jobId);
    const child = await h.stack.ctx.service.findRecord(second.jobId);
    assert.equal(child?.job.parentJobId, first.jobId);
    assert.equal(
      child?.job.imageKey,
      parent?.result?.imageKey,
      "the input of the chained edit is the first result",
    );
  });

  it("edits the image of a message through the context menu and its modal", async () => {
    const attachment = await h.fake.addAttachment({ filename: "dog.png", bytes: await png(40, 80) });
    const target = h.fake.addMessage({ content: "look", attachments: [attachment] });
    const menu = h.fake.build.messageCommand({ name: "Edit image", target });
    h.fake.dispatch("INTERACTION_CREATE", menu);
    await h.fake.waitForRequest((r) => r.params.interactionId === menu.id);
    const modal = h.fake.interaction(menu.id)?.modal as { custom_id: string };
    const since = h.fake.mark();
    h.fake.dispatch(
      "INTERACTION_CREATE",
      h.fake.build.modalSubmit({
        customId: modal.custom_id,
        fields: { prompt: "a dog in space", strength: "" },
      }),
    );
    const result = await nextResult(since);
    assert.match(result.caption, /"a dog in space"/);
    const meta = await sharp(result.post.files[0].bytes).metadata();
    assert.equal((meta.height ?? 0) / (meta.width ?? 1), 2);
  });

  it("keeps re-runs working after a bot restart (no cache, no interaction token)", async () => {
    const first = await editToResult({ strength: 0.2, seed: 21 });
    await h.restart();
    await h.fake.waitForGatewayReady();
    const since = h.fake.mark();
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "➕" }),
    );
    const second = await nextResult(since);
    assert.match(second.caption, /strength 0\.3 · seed 21/);
    const byWebhook = h.fake.findRequests((r) => r.seq > since && r.path.startsWith("/webhooks/"));
    assert.equal(byWebhook.length, 0, "everything after the restart went out with the bot token");
  });

  it("tolerates 429s on status edits: the status still ends in Done", async () => {
    h.fake.rateLimit({
      method: "PATCH",
      path: "/channels/:channelId/messages/:messageId",
      times: 3,
      retryAfterSeconds: 0.2,
    });
    const { payload } = await editToResult({});
    await threadSays(payload.id, /Done in/);
    assert.ok(h.fake.findRequests((r) => r.injected && r.status === 429).length >= 1);
  });

  it("answers bad input in the thread in plain words, without downloading", async () => {
    const cdnBefore = h.fake.findRequests((r) => r.kind === "cdn").length;
    const text = await h.fake.addAttachment({
      filename: "notes.txt",
      bytes: Buffer.from("hello"),
      contentType: "text/plain",
      ephemeral: true,
    });
    const notImage = await slashEdit(h.fake, { attachment: text });
    await threadSays(notImage.id, /"notes\.txt" is not an image/);

    const real = await h.fake.addAttachment({ filename: "big.png", bytes: await png(8, 8), ephemeral: true });
    const big = await slashEdit(h.fake, { attachment: { ...real, size: 500 * 1024 * 1024 } });
    await threadSays(big.id, /too large \(500 MB\)/);

    const foreign = await slashEdit(h.fake, {
      attachment: { ...real, url: real.url.replace("127.0.0.1", "127.0.0.2") },
    });
    await threadSays(foreign.id, /only download images from this platform's own file servers/);
    assert.equal(h.fake.findRequests((r) => r.kind === "cdn").length, cdnBefore, "nothing was downloaded");

    // A whitespace-only prompt is refused in the reply itself, before any thread is opened.
    const empty = await slashEdit(h.fake, { attachment: real, prompt: " \u3000\u200b " });
    const refusal = await h.fake.waitForRequest(
      (r) => r.method === "PATCH" && r.params.token === empty.token,
    );
    assert.match((refusal.body as { content: string }).content, /Tell me what to change/);
    const header = h.fake.interaction(empty.id)?.originalMessageId ?? "";
    assert.equal(h.fake.message(header)?.thread, undefined, "no thread for a request that cannot run");
    const long = await slashEdit(h.fake, { attachment: real, prompt: "x".repeat(61) });
    await threadSays(long.id, /61 characters long; the limit is 60/);
  });

  it("answers /edit-queue privately", async () => {
    const payload = h.fake.build.slashCommand({ name: "edit-queue" });
    h.fake.dispatch("INTERACTION_CREATE", payload);
    const reply = await h.fake.waitForRequest(
      (r) => r.method === "PATCH" && r.params.token === payload.token,
    );
    assert.match((reply.body as { content: string }).content, /running, \d+ waiting/);
    assert.equal(ackFlags(h.fake, payload.id) & 64, 64);
  });

  it("/edit without an image takes the newest image in the channel and names it in the header", async () => {
    const { fake } = h;
    const since = fake.mark();
    const older = await fake.addAttachment({ filename: "older.png", bytes: await png(64, 48) });
    fake.addMessage({ content: "first", attachments: [older] });
    const newest = await fake.addAttachment({ filename: "beach.png", bytes: await png(80, 48) });
    const posted = fake.addMessage({ content: "look at this", attachments: [newest] });
    fake.addMessage({ content: "no picture here" });
    const payload = fake.build.slashCommand({
      name: "edit",
      options: [option.string("prompt", "make it winter")],
    });
    fake.dispatch("INTERACTION_CREATE", payload);
    const result = await fake.waitForRequest(isResultPost, 30_000, { sinceSeq: since });
    const meta = await sharp(result.files[0].bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [80, 48], "the newest image was edited");
    const header = contentOf(fake, fake.interaction(payload.id)?.originalMessageId ?? "");
    assert.match(header, /newest one in this channel: "beach\.png" shared by \S+/);
    assert.ok(header.includes(posted.id), `the header links the message: ${header}`);
  });
});
