import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import {
  buttonIds,
  CHANNEL,
  controlsFor,
  replyTexts,
  resultMessages,
  type SlackHarness,
  startSlackHarness,
  testPng,
  USER,
  waitUntil,
} from "./slack-harness.js";

const BOB = "U0BOB00001";

describe("Slack app: team editing end to end (HTTP, tiny model)", () => {
  let h: SlackHarness;
  let png: Buffer;

  before(async () => {
    h = await startSlackHarness({ name: "slack-team" });
    png = await testPng(96, 64);
    h.fake.setDisplayName(USER, "ann");
    h.fake.setDisplayName(BOB, "bob");
  });
  after(async () => {
    await h.close();
  });

  const uploadOf = (ts: string) => h.fake.uploads.find((u) => u.messageTs === ts);
  async function sizeOf(ts: string) {
    const m = await sharp(uploadOf(ts)?.bytes).metadata();
    return { w: m.width ?? 0, h: m.height ?? 0 };
  }
  const react = (reaction: string, itemTs: string, user = USER) =>
    h.sender.event(h.fake.payloads.eventCallback(h.fake.payloads.reactionAdded({ reaction, itemTs, user })));

  async function firstResult(text: string, bytes = png) {
    const { message } = h.fake.postFileMessage({ channel: CHANNEL, user: USER, name: "a.png", bytes });
    await h.sender.slashCommand(h.fake.payloads.slashCommand({ text, command: "/edit" }));
    await waitUntil("the result", () => resultMessages(h.fake, message.ts).length === 1);
    const result = resultMessages(h.fake, message.ts)[0];
    await waitUntil("suggested reactions", () => (result.reactions?.length ?? 0) === 3);
    await waitUntil("done", () => replyTexts(h.fake, message.ts).some((t) => t.startsWith("✅ Done")));
    return { root: message.ts, result };
  }

  test("captions name the requester and link the parent by permalink; Compare posts one image twice as wide", async () => {
    const { fake, sender } = h;
    const { root, result } = await firstResult("make it winter 0.5");
    assert.match(String(result.text), /^Asked by @ann/);
    assert.match(String(result.text), /↩️ from https:\/\/[a-z0-9-]+\.slack\.com\/archives\//);
    const controls = await controlsFor(fake, root, result);
    const ids = buttonIds(controls);
    assert.deepEqual(
      ids.map((id) => id.split(":")[1]),
      ["weaker", "stronger", "new-seed", "edit-again", "compare", "try-strengths"],
    );
    const calls = h.stack.worker?.worker.transformerCalls;
    await sender.interaction(fake.payloads.blockActions({ actionId: ids[4], message: controls }));
    await waitUntil("the comparison", () => resultMessages(fake, root).length === 2);
    const compare = resultMessages(fake, root)[1];
    assert.match(String(compare.text), /Before and after/);
    const r = await sizeOf(result.ts);
    assert.deepEqual(await sizeOf(compare.ts), { w: r.w * 2, h: r.h });
    assert.equal(h.stack.worker?.worker.transformerCalls, calls, "no model call");

    // ➕ by bob: named as text (no <@U…> mention), with the parent's permalink from chat.getPermalink.
    await react("heavy_plus_sign", result.ts, BOB);
    await waitUntil("the re-run", () => resultMessages(fake, root).length === 3);
    const stronger = String(resultMessages(fake, root)[2].text);
    assert.match(stronger, /^➕ by @bob from strength 0\.5/);
    assert.doesNotMatch(stronger, /<@U/);
    const link = fake.calls("chat.getPermalink").find((c) => c.params.message_ts === result.ts);
    assert.ok(link, "asked Slack for the parent's permalink");
    assert.ok(stronger.includes(String((link.response as { permalink: string }).permalink)));
  });

  test("Try strengths: one grid of four from one inversion; :three: on the grid posts tile 3 with no model call", async () => {
    const { fake } = h;
    // A picture of its own, so its first edit inverts (no inversion cached from another test).
    const { root, result } = await firstResult("make it autumn 0.5", await testPng(80, 56));
    const firstCalls = Number(/(\d+) transformer calls/.exec(String(result.text))?.[1]);
    for (const key of await h.stack.redis.keys(`${h.stack.config.keyPrefix}:inv:*`))
      await h.stack.redis.del(key);
    const before = h.stack.worker?.worker.transformerCalls ?? 0;
    await react("level_slider", result.ts);
    await waitUntil("the grid", () => resultMessages(fake, root).length === 2);
    const grid = resultMessages(fake, root)[1];
    const caption = String(grid.text);
    const spent = (h.stack.worker?.worker.transformerCalls ?? 0) - before;
    const perPass = Number(/× (\d+) =/.exec(caption)?.[1]);
    assert.equal(spent, firstCalls + 3 * perPass, "one inversion plus four edit passes");
    assert.match(caption, new RegExp(`= ${spent} transformer calls`));
    assert.match(caption, /0\.25 \/ 0\.5 \/ 0\.75 \/ 1\.0/);
    const r = await sizeOf(result.ts);
    assert.deepEqual(await sizeOf(grid.ts), { w: r.w * 2, h: r.h * 2 });
    await waitUntil("grid reactions", () => (grid.reactions?.length ?? 0) === 4);
    assert.deepEqual(
      grid.reactions?.map((x) => x.name),
      ["one", "two", "three", "four"],
    );
    const pickIds = buttonIds(await controlsFor(fake, root, grid));
    assert.deepEqual(
      pickIds.map((id) => id.split(":")[1]),
      ["pick-1", "pick-2", "pick-3", "pick-4"],
    );

    const calls = h.stack.worker?.worker.transformerCalls;
    await react("three", grid.ts, BOB);
    await waitUntil("the picked tile", () => resultMessages(fake, root).length === 3);
    const picked = resultMessages(fake, root)[2];
    assert.match(String(picked.text), /3️⃣ picked by @bob/);
    assert.match(String(picked.text), /strength 0\.75/);
    assert.equal(h.stack.worker?.worker.transformerCalls, calls, "no model call for a picked tile");
    assert.equal(buttonIds(await controlsFor(fake, root, picked)).length, 6, "all controls");
  });

  test("/edit-settings: refused in words to members, a modal for the channel's creator, announced, used next", async () => {
    const { fake, sender } = h;
    await sender.slashCommand(
      fake.payloads.slashCommand({ command: "/edit-settings", text: "strength=0.3", userId: BOB }),
    );
    await waitUntil("the refusal", () =>
      fake.responses.some((r) => /Only this channel's moderators/.test(String(r.body.text))),
    );

    fake.setChannelCreator(CHANNEL, BOB);
    const open = sender.slashCommand(
      fake.payloads.slashCommand({ command: "/edit-settings", text: "", userId: BOB }),
    );
    await open;
    const opened = await fake.waitForCall("views.open");
    const view = fake.views.get((opened.response as { view: { id: string } }).view.id)!;
    await sender.interaction(
      fake.payloads.viewSubmission({
        view,
        userId: BOB,
        values: {
          strength: { value: { type: "number_input", value: "0.3" } },
          sampler: { value: { type: "static_select", selected_option: { value: "ode" } } },
        },
      }),
    );
    await waitUntil("the announcement", () =>
      fake
        .history(CHANNEL)
        .some((m) => m.text === "⚙️ @bob set the default strength to 0.3 and the default sampler to ode."),
    );
    const { result } = await firstResult("make it spring");
    assert.match(String(result.text), /strength 0\.3 · seed \d+ · ode /);
  });

  test("@rf-edit history in a thread lists its chain with permalinks", async () => {
    const { fake, sender } = h;
    const { root, result } = await firstResult("make it night 0.5");
    await react("heavy_minus_sign", result.ts);
    await waitUntil("the re-run", () => resultMessages(fake, root).length === 2);
    for (let i = 0; i < 100 && (await h.stack.ctx.team.history("slack", root)).split("\n").length < 3; i++)
      await new Promise((r) => setTimeout(r, 50));
    await sender.event(
      fake.payloads.eventCallback(
        fake.payloads.appMention({ text: `<@${fake.ids.botUserId}> history`, threadTs: root }),
      ),
    );
    await waitUntil("the history", () =>
      replyTexts(fake, root).some((t) => t.startsWith("Edits in this thread")),
    );
    const text = replyTexts(fake, root).find((t) => t.startsWith("Edits in this thread")) ?? "";
    assert.match(text, /Edits in this thread \(2\)/);
    assert.match(text, /1\. Asked by @ann/);
    assert.match(text, /2\. ➖ by @ann from strength 0\.5/);
    assert.match(text, /https:\/\/[a-z0-9-]+\.slack\.com\/archives\//);
  });
});
