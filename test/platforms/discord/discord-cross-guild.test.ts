import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { OTHER_WORKSPACE } from "../../../src/core/messages.js";
import { controlId } from "../../../src/core/rerun-action.js";
import { option } from "../../fakes/discord/index.js";
import {
  ackFlags,
  type Harness,
  slashEdit,
  startHarness,
  threadOf,
  waitForMessage,
} from "./discord-harness.js";

const MANAGE_MESSAGES = 1n << 13n;

/**
 * Two servers share one bot. Job ids are visible to anyone who sees a Cancel button's custom id, so
 * a moderator of another server could name them: the real discord.js client, against the fake
 * Discord, must refuse them there.
 */
describe("Discord: rights over a job stay in the job's own server", () => {
  let h: Harness;
  let elsewhere: { guildId: string; channelId: string };

  before(async () => {
    h = await startHarness({
      name: "discord-cross-guild",
      worker: false,
      fake: { guilds: [{ name: "home" }, { name: "elsewhere" }] },
    });
    const guildId = [...h.fake.state.guilds.keys()][1];
    elsewhere = { guildId, channelId: h.fake.state.guildChannels(guildId)[0].id };
  });
  after(async () => {
    await h?.close();
  });

  async function privateAnswer(payload: { id: string; token: string }): Promise<string> {
    const reply = await h.fake.waitForRequest(
      (r) => r.method === "PATCH" && r.params.token === payload.token,
    );
    assert.equal(ackFlags(h.fake, payload.id) & 64, 64, "answered ephemerally");
    return (reply.body as { content: string }).content;
  }

  function asModerator<T extends { member: { permissions: string } }>(payload: T): T {
    payload.member.permissions = (BigInt(payload.member.permissions) | MANAGE_MESSAGES).toString();
    return payload;
  }

  it("a moderator of another server can neither /edit-cancel nor press a copied Cancel button", async () => {
    const ann = h.fake.addUser("ann");
    const edit = await slashEdit(h.fake, { user: ann });
    const threadId = await threadOf(h.fake, edit.id);
    const status = await waitForMessage(h.fake, threadId, (m) => /Queued/.test(m.content));
    const customId = (status.components as { components: { custom_id: string }[] }[])[0].components[0]
      .custom_id;
    const jobId = /^rf:cancel:(.+)$/.exec(customId)?.[1] as string;

    const mallory = h.fake.addUser("mallory", { guildId: elsewhere.guildId });
    const command = asModerator(
      h.fake.build.slashCommand({
        name: "edit-cancel",
        options: [option.string("job", jobId)],
        user: mallory,
        channelId: elsewhere.channelId,
      }),
    );
    assert.equal(command.guild_id, elsewhere.guildId);
    h.fake.dispatch("INTERACTION_CREATE", command);
    assert.equal(await privateAnswer(command), OTHER_WORKSPACE);

    const bait = h.fake.addMessage({ channelId: elsewhere.channelId, author: mallory, content: "hi" });
    const button = asModerator(
      h.fake.build.component({ customId: controlId("cancel", jobId), message: bait, user: mallory }),
    );
    h.fake.dispatch("INTERACTION_CREATE", button);
    assert.equal(await privateAnswer(button), OTHER_WORKSPACE);

    assert.deepEqual(await h.stack.ctx.queue.waitingIds(), [jobId], "the job is still queued");
    assert.match(h.fake.message(status.id)?.content ?? "", /Queued/);

    // A moderator of the job's own server still may.
    const ownModerator = asModerator(
      h.fake.build.component({ customId, message: status, user: h.fake.addUser("mod") }),
    );
    h.fake.dispatch("INTERACTION_CREATE", ownModerator);
    assert.match(await privateAnswer(ownModerator), /Cancelled before it started/);
    assert.deepEqual(await h.stack.ctx.queue.waitingIds(), []);
  });
});
