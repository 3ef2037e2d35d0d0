import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { type FakeMessage, option, type RecordedRequest } from "../../fakes/discord/index.js";
import {
  type Harness,
  isResultPost,
  png,
  slashEdit,
  startHarness,
  threadOf,
  waitForMessage,
} from "./discord-harness.js";

const MANAGE_GUILD = 1n << 5n;

describe("Discord bot: team editing end to end on the tiny model", () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ name: "discord-team" });
  });
  after(async () => {
    await h?.close();
  });

  function resultOf(post: RecordedRequest) {
    const id = (post.response as { id: string }).id;
    const body = post.body as {
      content: string;
      components: { components: { custom_id: string; label: string }[] }[];
    };
    const ids = body.components.flatMap((r) => r.components.map((c) => c.custom_id));
    const jobId = /^rf:[a-z0-9-]+:(.+)$/.exec(ids[0] ?? "")?.[1] ?? "";
    return {
      message: h.fake.message(id) as FakeMessage,
      caption: body.content,
      jobId,
      labels: body.components.flatMap((r) => r.components.map((c) => c.label)),
      threadId: post.params.channelId,
      bytes: post.files[0]?.bytes,
    };
  }

  async function nextPost(since: number) {
    return resultOf(await h.fake.waitForRequest(isResultPost, 30_000, { sinceSeq: since }));
  }

  async function widthOf(bytes: Buffer | undefined): Promise<{ w: number; h: number }> {
    const m = await sharp(bytes).metadata();
    return { w: m.width ?? 0, h: m.height ?? 0 };
  }

  async function settings(options: ReturnType<typeof option.number>[], moderator: boolean) {
    const payload = h.fake.build.slashCommand({ name: "edit-settings", options });
    if (moderator) payload.member.permissions = String(BigInt(payload.member.permissions) | MANAGE_GUILD);
    h.fake.dispatch("INTERACTION_CREATE", payload);
    return answerOf(payload.id);
  }

  /** The text of an interaction's (deferred, ephemeral) answer once it is filled in. */
  async function answerOf(interactionId: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const original = h.fake.interaction(interactionId)?.originalMessageId;
      const content = original ? h.fake.message(original)?.content : undefined;
      if (content) return content;
      if (Date.now() > deadline) throw new Error(`interaction ${interactionId} was never answered`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("captions name the requester and link the parent; Compare posts one image twice as wide", async () => {
    let since = h.fake.mark();
    const payload = await slashEdit(h.fake, { bytes: await png(96, 64), strength: 0.5, seed: 4 });
    const first = await nextPost(since);
    const thread = await threadOf(h.fake, payload.id);
    await waitForMessage(h.fake, thread, (m) => /Done in/.test(m.content));
    assert.match(first.caption, /^Asked by @alice/);
    assert.deepEqual(first.labels, [
      "Weaker",
      "Stronger",
      "New seed",
      "Edit again",
      "Compare",
      "Try strengths",
    ]);

    since = h.fake.mark();
    const calls = h.stack.worker?.worker.transformerCalls;
    h.fake.dispatch(
      "INTERACTION_CREATE",
      h.fake.build.component({ customId: `rf:compare:${first.jobId}`, message: first.message }),
    );
    const compare = await nextPost(since);
    const size = await widthOf(first.bytes);
    assert.deepEqual(await widthOf(compare.bytes), { w: size.w * 2, h: size.h });
    assert.match(compare.caption, /Before and after/);
    assert.equal(h.stack.worker?.worker.transformerCalls, calls, "no model call");

    // ➕ by bob: named (not mentioned), with a Discord link to the parent result message.
    const bob = h.fake.addUser("bob");
    since = h.fake.mark();
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "➕", user: bob }),
    );
    const stronger = await nextPost(since);
    assert.match(stronger.caption, /^➕ by @bob from strength 0\.5/);
    assert.ok(
      stronger.caption.includes(
        `https://discord.com/channels/${h.fake.guildId}/${first.threadId}/${first.message.id}`,
      ),
      stronger.caption,
    );
  });

  it("Try strengths posts one grid of four from one inversion; 3️⃣ on the grid posts tile 3 with no model call", async () => {
    let since = h.fake.mark();
    await slashEdit(h.fake, { bytes: await png(96, 64, [20, 90, 200]), strength: 0.5, seed: 8 });
    const first = await nextPost(since);
    await waitForMessage(h.fake, first.threadId, (m) => /Done in/.test(m.content));
    const firstCalls = Number(/(\d+) transformer calls/.exec(first.caption)?.[1]);
    // Empty the inversion cache: the grid must invert once, then edit four times.
    for (const key of await h.stack.redis.keys(`${h.stack.config.keyPrefix}:inv:*`))
      await h.stack.redis.del(key);
    const before = h.stack.worker?.worker.transformerCalls ?? 0;
    since = h.fake.mark();
    h.fake.dispatch("MESSAGE_REACTION_ADD", h.fake.build.reactionAdd({ message: first.message, emoji: "🎚️" }));
    const grid = await nextPost(since);
    const spent = (h.stack.worker?.worker.transformerCalls ?? 0) - before;
    const perPass = Number(/× (\d+) =/.exec(grid.caption)?.[1]);
    assert.equal(spent, firstCalls + 3 * perPass, "one inversion plus four edit passes");
    assert.match(grid.caption, new RegExp(`= ${spent} transformer calls`));
    assert.deepEqual(grid.labels, ["Use 1 (0.25)", "Use 2 (0.5)", "Use 3 (0.75)", "Use 4 (1.0)"]);
    const size = await widthOf(first.bytes);
    assert.deepEqual(await widthOf(grid.bytes), { w: size.w * 2, h: size.h * 2 });
    const suggested = await h.fake.waitForRequests(
      (r) => r.method === "PUT" && r.path.includes(`/messages/${grid.message.id}/reactions/`),
      4,
    );
    assert.deepEqual(
      suggested.map((r) => decodeURIComponent(r.params.emoji)),
      ["1️⃣", "2️⃣", "3️⃣", "4️⃣"],
    );

    const calls = h.stack.worker?.worker.transformerCalls;
    since = h.fake.mark();
    h.fake.dispatch("MESSAGE_REACTION_ADD", h.fake.build.reactionAdd({ message: grid.message, emoji: "3️⃣" }));
    const picked = await nextPost(since);
    assert.match(picked.caption, /3️⃣ picked by @alice/);
    assert.match(picked.caption, /strength 0\.75/);
    assert.ok(picked.caption.includes(`/${grid.message.id}`), "links the grid");
    assert.deepEqual(picked.labels, [
      "Weaker",
      "Stronger",
      "New seed",
      "Edit again",
      "Compare",
      "Try strengths",
    ]);
    assert.equal(h.stack.worker?.worker.transformerCalls, calls, "no model call for a picked tile");
  });

  it("/edit-settings: refused to non-moderators in words, announced for moderators, and the next edit uses it", async () => {
    const refused = await settings([option.number("strength", 0.3)], false);
    assert.match(refused, /Only this channel's moderators/);
    const shown = await settings([], false);
    assert.match(shown, /strength: 0\.5 \(bot default\)/);

    const ok = await settings([option.number("strength", 0.3), option.string("sampler", "ode")], true);
    assert.equal(ok, "Saved.");
    await waitForMessage(
      h.fake,
      h.fake.channelId,
      (m) => m.content === "⚙️ @alice set the default strength to 0.3 and the default sampler to ode.",
    );
    const since = h.fake.mark();
    await slashEdit(h.fake, { bytes: await png(64, 48) });
    const next = await nextPost(since);
    assert.match(next.caption, /strength 0\.3 · seed \d+ · ode /);
  });

  it("/edit-history in a thread lists its chain with links", async () => {
    let since = h.fake.mark();
    const payload = await slashEdit(h.fake, { bytes: await png(64, 48, [1, 2, 3]), strength: 0.5 });
    const first = await nextPost(since);
    const thread = await threadOf(h.fake, payload.id);
    await waitForMessage(h.fake, thread, (m) => /Done in/.test(m.content));
    since = h.fake.mark();
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: first.message, emoji: "➖" }),
    );
    await nextPost(since);
    // The history line is written right after the post; wait for it rather than race it.
    for (
      let i = 0;
      i < 100 && (await h.stack.ctx.team.history("discord", thread)).split("\n").length < 3;
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    const ask = h.fake.build.slashCommand({ name: "edit-history", channelId: thread });
    h.fake.dispatch("INTERACTION_CREATE", ask);
    const text = await answerOf(ask.id);
    assert.match(text, /Edits in this thread \(2\)/);
    assert.match(text, /Asked by @alice/);
    assert.match(text, /➖ by @alice from strength 0\.5/);
    assert.ok(text.includes(`https://discord.com/channels/${h.fake.guildId}/${thread}/${first.message.id}`));
  });
});
