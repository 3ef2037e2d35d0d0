import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { controlId } from "../../src/core/rerun-action.js";
import {
  checkMessageBody,
  checkModal,
  checkThreadBody,
  usesDeprecatedModalLayout,
} from "../fakes/discord/api-limits.js";
import type { FakeMessage, FakeUser, RecordedRequest } from "../fakes/discord/index.js";
import {
  type Harness,
  isResultPost,
  png,
  slashEdit,
  startHarness,
  threadOf,
  waitForMessage,
} from "../platforms/discord/discord-harness.js";
import { BLANK_PROMPT, HOSTILE_DISPLAY_NAME, HOSTILE_FILE_NAME, HOSTILE_PROMPTS } from "./hostile-inputs.js";

const UPLOAD_LIMIT = 30 * 1024;
const ENDED = /Done in|⚠️/;

/**
 * Every request the bot sends to Discord while hostile inputs go through it end to end stays within
 * Discord's documented limits and shapes (test/fakes/discord/api-limits.ts), with people's words
 * escaped, no broken characters, and nobody mentioned.
 */
describe("Discord conformance with hostile inputs", () => {
  let h: Harness;
  let boss: FakeUser;

  before(async () => {
    h = await startHarness({
      name: "discord-conformance",
      env: {
        MAX_PROMPT_CHARS: "1000",
        RATE_LIMIT_BURST: "100",
        RATE_LIMIT_PER_MINUTE: "1000",
        MAX_QUEUED_PER_USER: "100",
      },
      // Small enough that a noisy result must be re-encoded to fit.
      fake: { maxUploadBytes: UPLOAD_LIMIT },
    });
    boss = h.fake.addUser("boss");
    boss.global_name = HOSTILE_DISPLAY_NAME;
  });
  after(async () => {
    await h?.close();
  });

  async function ended(interactionId: string): Promise<FakeMessage> {
    return waitForMessage(
      h.fake,
      await threadOf(h.fake, interactionId),
      (m) => ENDED.test(m.content),
      30_000,
    );
  }

  it("long, emoji, ZWJ, CJK, Slack-control and markdown prompts through /edit", async () => {
    for (const prompt of Object.values(HOSTILE_PROMPTS)) {
      const payload = await slashEdit(h.fake, { prompt, user: boss, filename: HOSTILE_FILE_NAME });
      const status = await ended(payload.id);
      // Characters as Discord counts them: 1000 emoji are 1000, within MAX_PROMPT_CHARS.
      assert.doesNotMatch(status.content, /characters long/);
    }
  });

  it("the context menu's Label modal and its submit, with an emoji prompt and a hostile file name", async () => {
    const attachment = await h.fake.addAttachment({ filename: HOSTILE_FILE_NAME, bytes: await png(40, 40) });
    const target = h.fake.addMessage({ content: "look", attachments: [attachment] });
    const menu = h.fake.build.messageCommand({ name: "Edit image", target, user: boss });
    h.fake.dispatch("INTERACTION_CREATE", menu);
    await h.fake.waitForRequest((r) => r.params.interactionId === menu.id);
    const modal = h.fake.interaction(menu.id)?.modal as { custom_id: string };
    const submit = h.fake.build.modalSubmit({
      customId: modal.custom_id,
      fields: { prompt: HOSTILE_PROMPTS.zwj, strength: "" },
      user: boss,
    });
    h.fake.dispatch("INTERACTION_CREATE", submit);
    await ended(submit.id);
  });

  it("Edit again on a result: its modal, and a markdown prompt", async () => {
    const payload = await slashEdit(h.fake, { prompt: "make it blue", user: boss });
    await ended(payload.id);
    const post = h.fake.findRequests(isResultPost).at(-1) as RecordedRequest;
    const message = h.fake.message((post.response as { id: string }).id) as FakeMessage;
    const jobId = /^rf:weaker:(.+)$/.exec(
      (post.body as { components: { components: { custom_id: string }[] }[] }).components[0].components[0]
        .custom_id,
    )?.[1] as string;
    const click = h.fake.build.component({ customId: controlId("edit-again", jobId), message, user: boss });
    h.fake.dispatch("INTERACTION_CREATE", click);
    await h.fake.waitForRequest((r) => r.params.interactionId === click.id);
    // Whitespace only: answered privately, nothing is written into the thread.
    const blank = h.fake.build.modalSubmit({
      customId: controlId("edit-again", jobId),
      fields: { prompt: BLANK_PROMPT, strength: "" },
      message,
      user: boss,
    });
    const visible = () => h.fake.messagesIn(message.channel_id).filter((m) => (m.flags & 64) === 0).length;
    const beforeBlank = visible();
    h.fake.dispatch("INTERACTION_CREATE", blank);
    const answer = await h.fake.waitForRequest((r) => r.method === "PATCH" && r.params.token === blank.token);
    assert.match((answer.body as { content: string }).content, /Tell me what to change/);
    assert.equal(visible(), beforeBlank);

    const since = h.fake.mark();
    h.fake.dispatch(
      "INTERACTION_CREATE",
      h.fake.build.modalSubmit({
        customId: controlId("edit-again", jobId),
        fields: { prompt: HOSTILE_PROMPTS.discordMarkdown, strength: "0.4" },
        message,
        user: boss,
      }),
    );
    await h.fake.waitForRequest(isResultPost, 30_000, { sinceSeq: since });
  });

  it("a noisy result over the upload limit arrives re-encoded, with a note in the caption", async () => {
    const noise = await sharp(randomBytes(192 * 192 * 3), { raw: { width: 192, height: 192, channels: 3 } })
      .png()
      .toBuffer();
    const since = h.fake.mark();
    await slashEdit(h.fake, { bytes: noise, prompt: "make it snowy", user: boss });
    const post = await h.fake.waitForRequest(isResultPost, 30_000, { sinceSeq: since });
    assert.equal(post.status, 200);
    assert.ok(post.files[0].bytes.byteLength <= UPLOAD_LIMIT);
    assert.notEqual(post.files[0].contentType, "image/png", "the PNG was over the limit");
    assert.match((post.body as { content: string }).content, /Sent as (WebP|JPEG)/);
  });

  it("a whitespace-only prompt and /edit-queue", async () => {
    const blank = await slashEdit(h.fake, { prompt: BLANK_PROMPT, user: boss });
    await h.fake.waitForRequest((r) => r.method === "PATCH" && r.params.token === blank.token);
    const queue = h.fake.build.slashCommand({ name: "edit-queue", user: boss });
    h.fake.dispatch("INTERACTION_CREATE", queue);
    await h.fake.waitForRequest((r) => r.method === "PATCH" && r.params.token === queue.token);
  });

  it("every request stayed within Discord's limits, escaped, unbroken and mentioning nobody", () => {
    const requests = h.fake.findRequests((r) => r.kind === "rest" && r.method !== "GET");
    assert.ok(requests.length > 100, `${requests.length} requests recorded`);
    const problems: string[] = [];
    const say = (r: RecordedRequest, what: string) => problems.push(`${r.method} ${r.route}: ${what}`);
    let modals = 0;
    for (const r of requests) {
      if (r.status >= 400 && !r.injected) say(r, `answered ${r.status} ${JSON.stringify(r.response)}`);
      const bodies: unknown[] = [];
      if (r.route === "/channels/:channelId/messages/:messageId/threads") {
        for (const [k, v] of Object.entries(checkThreadBody(r.body))) say(r, `${k}: ${v}`);
        continue;
      }
      if (r.route === "/interactions/:interactionId/:token/callback") {
        const cb = r.body as { type: number; data?: unknown };
        if (cb.type === 9) {
          modals++;
          for (const [k, v] of Object.entries(checkModal(cb.data))) say(r, `modal ${k}: ${v}`);
          if (usesDeprecatedModalLayout(cb.data)) say(r, "modal uses the deprecated action-row layout");
        } else if (cb.data) bodies.push(cb.data);
      } else if (
        /^\/(channels|webhooks)\//.test(r.route ?? "") &&
        /messages|webhooks\/:applicationId\/:token$/.test(r.route ?? "")
      ) {
        if (r.method === "POST" || r.method === "PATCH") bodies.push(r.body);
      }
      for (const body of bodies) {
        for (const [k, v] of Object.entries(checkMessageBody(body, r.files.length))) say(r, `${k}: ${v}`);
        const b = (body ?? {}) as { content?: string; allowed_mentions?: { parse?: unknown[] } };
        if (typeof b.content === "string" && b.content.length > 0) {
          if (!Array.isArray(b.allowed_mentions?.parse) || b.allowed_mentions.parse.length !== 0)
            say(r, "content without allowed_mentions { parse: [] }");
          // People's markdown shows as typed: every construct from the hostile inputs is escaped.
          const raw = /(^|[^\\])(\|\|spoiler|\*\*(bold|blue|boss|loud)|\[(click|x|me)\]\()/.exec(b.content);
          if (raw)
            say(
              r,
              `unescaped markdown ${JSON.stringify(raw[0])} in ${JSON.stringify([...b.content].slice(0, 80).join(""))}`,
            );
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(modals >= 2, "the modals were checked");
    const threads = requests.filter((r) => r.route === "/channels/:channelId/messages/:messageId/threads");
    assert.ok(threads.length >= 8);
    assert.ok(
      threads.every((t) => (t.body as { name: string }).name !== "Edit" || t.status < 400),
      "no thread name was refused",
    );
  });
});
