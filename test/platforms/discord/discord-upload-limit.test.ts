import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { REST } from "discord.js";
import sharp from "sharp";
import type { ResultView } from "../../../src/core/platform-adapter.js";
import { controlId, RESULT_CONTROLS } from "../../../src/core/rerun-action.js";
import type { MessageRef, Origin } from "../../../src/core/types.js";
import { createLogger } from "../../../src/logger.js";
import { DiscordAdapter, UPLOAD_LIMIT_EXTRA } from "../../../src/platforms/discord/discord-adapter.js";
import type { EditJob, EditResultData } from "../../../src/queue/job-schemas.js";
import { FakeDiscord, type RecordedRequest } from "../../fakes/discord/index.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkE0.discord-upload-limit-test-token-00000";
const KB = 1024;

/**
 * Results over Discord's upload limit, through the real discord.js REST client against a fake that
 * answers 413 / 40005 as Discord does. A 512x512 noise PNG is about 770 KB; as JPEG q90 about 210 KB.
 */
describe("Discord results over the upload limit", () => {
  const fakes: FakeDiscord[] = [];
  after(async () => {
    for (const f of fakes) await f.close();
  });

  async function noisePng(): Promise<Buffer> {
    const raw = randomBytes(512 * 512 * 3);
    return sharp(raw, { raw: { width: 512, height: 512, channels: 3 } })
      .png()
      .toBuffer();
  }

  async function post(options: { maxUploadBytes: number; declaredUploadBytes: number }) {
    const fake = await FakeDiscord.start({ token: TOKEN, ...options });
    fakes.push(fake);
    const rest = new REST({ version: "10", api: fake.apiUrl, retries: 0 }).setToken(TOKEN);
    const adapter = new DiscordAdapter(rest, createLogger({ level: "silent" }));
    const png = await noisePng();
    const job = {
      v: 1,
      jobId: "jupload0000000001",
      kind: "new",
      spec: { prompt: "make it **loud** [x](https://evil.example)", strength: 0.5, seed: 1 },
    } as unknown as EditJob;
    const posted: MessageRef[] = [];
    const view: ResultView = {
      job,
      result: {} as EditResultData,
      png,
      caption: '"make it loud"\nstrength 0.5 · seed 1',
      controls: RESULT_CONTROLS.map((c) => ({ ...c, id: controlId(c.control, job.jobId) })),
      posted: async (ref) => {
        posted.push(ref);
      },
    };
    const origin: Origin = {
      platform: "discord",
      workspaceId: fake.guildId,
      channelId: fake.channelId,
      threadId: fake.channelId,
      userId: fake.user.id,
      // As start-edit stores the interaction's attachment_size_limit.
      extra: { [UPLOAD_LIMIT_EXTRA]: String(options.declaredUploadBytes) },
    };
    const ref = await adapter.postResult(origin, view);
    const posts = fake.findRequests(
      (r) => r.method === "POST" && r.route === "/channels/:channelId/messages",
    ) as RecordedRequest[];
    return { fake, png, ref, posted, posts, uploads: posts.filter((p) => p.files.length > 0) };
  }

  const content = (r: RecordedRequest) => (r.body as { content: string }).content;

  it("sends the PNG itself when it fits the interaction's attachment_size_limit", async () => {
    const { uploads, ref, posted } = await post({
      maxUploadBytes: 1024 * KB,
      declaredUploadBytes: 1024 * KB,
    });
    assert.equal(uploads.length, 1);
    assert.equal(uploads[0].files[0].contentType, "image/png");
    assert.doesNotMatch(content(uploads[0]), /Sent as/);
    assert.deepEqual(posted, [ref], "the result was linked as soon as it existed");
  });

  it("encodes a PNG over the limit as high-quality JPEG and says so in the caption", async () => {
    const { uploads, png } = await post({ maxUploadBytes: 400 * KB, declaredUploadBytes: 400 * KB });
    assert.ok(png.byteLength > 400 * KB);
    assert.equal(uploads.length, 1, "no upload was refused: the declared limit was kept");
    const file = uploads[0].files[0];
    assert.ok(file.bytes.byteLength <= 400 * KB);
    assert.equal((await sharp(file.bytes).metadata()).format, "jpeg");
    assert.match(file.filename, /\.jpg$/);
    assert.equal(file.contentType, "image/jpeg");
    assert.match(
      content(uploads[0]),
      /Sent as JPEG \(quality 90\): the PNG \(0\.\d MB\) is over the 0\.4 MB upload limit here\./,
    );
  });

  it("after a 413 / 40005 re-encodes smaller once instead of retrying the same bytes", async () => {
    const { uploads, fake } = await post({ maxUploadBytes: 300 * KB, declaredUploadBytes: 10 * 1024 * KB });
    assert.equal(uploads.length, 2, "the PNG, then one smaller encoding");
    assert.equal(uploads[0].status, 413);
    assert.equal((uploads[0].response as { code: number }).code, 40005);
    assert.equal(uploads[1].status, 200);
    assert.ok(uploads[1].files[0].bytes.byteLength < uploads[0].files[0].bytes.byteLength / 2);
    assert.match(content(uploads[1]), /Sent as (WebP|JPEG)/);
    assert.equal(fake.messagesIn(fake.channelId).length, 1);
  });

  it("when even the smaller encoding is refused, says so in words, with the controls", async () => {
    const { uploads, posts, ref, posted, fake } = await post({
      maxUploadBytes: 50 * KB,
      declaredUploadBytes: 10 * 1024 * KB,
    });
    assert.equal(uploads.length, 2, "two tries, never the same bytes twice");
    assert.ok(uploads.every((u) => u.status === 413));
    const words = posts.at(-1) as RecordedRequest;
    assert.equal(words.files.length, 0);
    assert.equal(words.status, 200);
    assert.match(content(words), /could not be uploaded here, not even made smaller/);
    const body = words.body as { components: { components: { custom_id: string }[] }[] };
    assert.equal(body.components[0].components.length, 4, "the controls are still there");
    assert.deepEqual(posted, [ref]);
    const reactions = fake.findRequests((r) => r.method === "PUT" && r.path.includes(ref.messageId));
    assert.equal(reactions.length, 3, "reactions on the sentence re-run the edit too");
  });

  it("says so in words without uploading when no encoding can fit the declared limit", async () => {
    const { uploads, posts } = await post({ maxUploadBytes: 1000, declaredUploadBytes: 1000 });
    assert.equal(uploads.length, 0);
    assert.match(content(posts[0]), /could not be uploaded here/);
  });
});
