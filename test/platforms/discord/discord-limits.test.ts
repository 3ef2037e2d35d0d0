import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { controlId } from "../../../src/core/rerun-action.js";
import { type RunningWorker, startWorker } from "../../../src/runtime/start-worker.js";
import type { FakeMessage, FakeUser } from "../../fakes/discord/index.js";
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
 * Limits, cancels and worker failures, with no worker taking jobs at first (so jobs stay queued).
 * Every test acts as its own user: the rate limit (one edit per user) must not leak between tests.
 */
describe("Discord bot: limits, cancel and failures", () => {
  let h: Harness;
  let worker: RunningWorker | undefined;

  before(async () => {
    h = await startHarness({
      name: "discord-limits",
      worker: false,
      env: { MAX_QUEUE_LENGTH: "1", RATE_LIMIT_BURST: "1", RATE_LIMIT_PER_MINUTE: "0.1" },
    });
  });
  after(async () => {
    await worker?.stop();
    await h?.close();
  });

  async function queuedEdit(user: FakeUser, prompt = "make it snow") {
    const payload = await slashEdit(h.fake, { user, prompt });
    const threadId = await threadOf(h.fake, payload.id);
    const status = await waitForMessage(h.fake, threadId, (m) => /Queued/.test(m.content));
    return { payload, threadId, status };
  }

  async function privateAnswer(payload: { id: string; token: string }): Promise<string> {
    const reply = await h.fake.waitForRequest(
      (r) => r.method === "PATCH" && r.params.token === payload.token,
    );
    assert.equal(ackFlags(h.fake, payload.id) & 64, 64, "answered ephemerally");
    return (reply.body as { content: string }).content;
  }

  function statusSays(threadId: string, status: FakeMessage, pattern: RegExp) {
    return waitForMessage(h.fake, threadId, (m) => m.id === status.id && pattern.test(m.content));
  }

  it("puts a Cancel button on the queued status and refuses a new edit while the queue is full", async () => {
    const ann = h.fake.addUser("ann");
    const first = await queuedEdit(ann);
    const components = first.status.components as { components: { custom_id: string }[] }[];
    assert.match(components[0].components[0].custom_id, /^rf:cancel:/);
    const second = await slashEdit(h.fake, { user: h.fake.addUser("ben") });
    await waitForMessage(h.fake, await threadOf(h.fake, second.id), (m) => /queue is full/.test(m.content));

    // The requester's own Cancel button frees the queue again.
    const cancel = h.fake.build.component({
      customId: components[0].components[0].custom_id,
      message: first.status,
      user: ann,
    });
    h.fake.dispatch("INTERACTION_CREATE", cancel);
    assert.match(await privateAnswer(cancel), /Cancelled before it started/);
    assert.deepEqual(await h.stack.ctx.queue.waitingIds(), []);
  });

  it("cancel: someone else may not (privately told), a member with Manage Messages may", async () => {
    const requester = h.fake.addUser("cat");
    const job = await queuedEdit(requester);
    const jobId = /^rf:cancel:(.+)$/.exec(
      (job.status.components as { components: { custom_id: string }[] }[])[0].components[0].custom_id,
    )?.[1] as string;

    const stranger = h.fake.build.component({
      customId: controlId("cancel", jobId),
      message: job.status,
      user: h.fake.addUser("dan"),
    });
    h.fake.dispatch("INTERACTION_CREATE", stranger);
    assert.match(await privateAnswer(stranger), /Only the person who asked for this edit \(or a moderator\)/);

    const moderator = h.fake.build.component({
      customId: controlId("cancel", jobId),
      message: job.status,
      user: h.fake.addUser("mod"),
    });
    moderator.member.permissions = (BigInt(moderator.member.permissions) | MANAGE_MESSAGES).toString();
    h.fake.dispatch("INTERACTION_CREATE", moderator);
    assert.match(await privateAnswer(moderator), /Cancelled before it started/);
    await statusSays(job.threadId, job.status, /Cancelled by mod/);
  });

  it("✖ by the requester on the status message cancels the job", async () => {
    const eve = h.fake.addUser("eve");
    const job = await queuedEdit(eve);
    h.fake.dispatch(
      "MESSAGE_REACTION_ADD",
      h.fake.build.reactionAdd({ message: job.status, emoji: "✖️", user: eve }),
    );
    await statusSays(job.threadId, job.status, /Cancelled/);
    assert.deepEqual(await h.stack.ctx.queue.waitingIds(), []);
  });

  it("/edit-cancel cancels the caller's newest job; a second /edit right away is rate-limited", async () => {
    const fay = h.fake.addUser("fay");
    const job = await queuedEdit(fay);
    const cancel = h.fake.build.slashCommand({ name: "edit-cancel", user: fay });
    h.fake.dispatch("INTERACTION_CREATE", cancel);
    assert.match(await privateAnswer(cancel), /Cancelled before it started/);
    await statusSays(job.threadId, job.status, /Cancelled by fay/);

    const again = await slashEdit(h.fake, { user: fay });
    await waitForMessage(h.fake, await threadOf(h.fake, again.id), (m) =>
      /editing faster than this bot allows/.test(m.content),
    );
  });

  it("a thread name refused with 50035 is retried with a plain name, not taken for missing permission", async () => {
    h.fake.failNext({
      method: "POST",
      path: "/channels/:channelId/messages/:messageId/threads",
      status: 400,
      body: {
        message: "Invalid Form Body",
        code: 50035,
        errors: {
          name: {
            _errors: [{ code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." }],
          },
        },
      },
    });
    const payload = await slashEdit(h.fake, { user: h.fake.addUser("ida"), prompt: "make it 🌧️ rainy" });
    const threadId = await threadOf(h.fake, payload.id);
    assert.equal(h.fake.channel(threadId).name, "Edit");
    await waitForMessage(h.fake, threadId, (m) => /Queued|queue is full/.test(m.content));
    const tries = h.fake.findRequests(
      (r) =>
        r.route === "/channels/:channelId/messages/:messageId/threads" && r.params.messageId === threadId,
    );
    assert.deepEqual(
      tries.map((r) => [r.status, (r.body as { name: string }).name]),
      [
        [400, "Edit: make it 🌧️ rainy"],
        [201, "Edit"],
      ],
    );
    for (const jobId of await h.stack.ctx.queue.waitingIds()) {
      await h.stack.ctx.service.cancel(jobId, {
        platform: "discord",
        workspaceId: h.fake.guildId,
        userId: h.fake.botUser.id,
        canModerate: true,
      });
    }
  });

  it("replies in the channel where it may not open a thread", async () => {
    h.fake.failNext({
      method: "POST",
      path: "/channels/:channelId/messages/:messageId/threads",
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    });
    const payload = await slashEdit(h.fake, { user: h.fake.addUser("hal") });
    const status = await waitForMessage(h.fake, h.fake.channelId, (m) => /Queued/.test(m.content));
    const header = h.fake.interaction(payload.id)?.originalMessageId;
    assert.equal(status.message_reference?.message_id, header, "the status replies to the bot's header");
    const jobId = (await h.stack.ctx.queue.waitingIds())[0];
    const cancelled = await h.stack.ctx.service.cancel(jobId, {
      platform: "discord",
      workspaceId: h.fake.guildId,
      userId: h.fake.botUser.id,
      canModerate: true,
    });
    assert.equal(cancelled.ok, true);
    await waitForMessage(h.fake, h.fake.channelId, (m) => m.id === status.id && /Cancelled/.test(m.content));
  });

  it("answers a job the worker cannot run (its image expired from storage) in the thread", async () => {
    const job = await queuedEdit(h.fake.addUser("gus"));
    const jobId = (await h.stack.ctx.queue.waitingIds())[0];
    const record = await h.stack.ctx.service.findRecord(jobId);
    assert.ok(record);
    await h.stack.redis.del(h.stack.ctx.keys.image(record.job.imageKey));
    worker = await startWorker(h.stack.config, h.stack.redis, h.stack.logger);
    await statusSays(job.threadId, job.status, /expired from storage/);
  });
});
