import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { controlId } from "../../../src/core/rerun-action.js";
import {
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
});
