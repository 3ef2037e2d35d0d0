import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebClient } from "@slack/web-api";
import type { ResultView } from "../../../src/core/platform-adapter.js";
import { controlId, RESULT_CONTROLS } from "../../../src/core/rerun-action.js";
import type { MessageRef, Origin } from "../../../src/core/types.js";
import { createLogger } from "../../../src/logger.js";
import { SlackAdapter } from "../../../src/platforms/slack/slack-adapter.js";
import type { EditJob, EditResultData } from "../../../src/queue/job-schemas.js";
import { FakeSlack } from "../../fakes/slack/index.js";
import { CHANNEL, testPng, USER } from "./slack-harness.js";

/** The Slack adapter's result upload against the fake Slack, through the real WebClient. */
describe("Slack adapter: result uploads", () => {
  let fake: FakeSlack;
  let adapter: SlackAdapter;

  before(async () => {
    fake = await FakeSlack.start();
    const client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    adapter = new SlackAdapter(client, createLogger({ level: "silent" }), { shareWaitMs: 600 });
  });
  after(async () => {
    await fake?.close();
  });

  async function postResult(prompt: string) {
    const root = fake.postMessage({ channel: CHANNEL, user: USER, text: "a picture" });
    const job = { v: 1, jobId: "jslack00000000001", kind: "new", spec: { prompt, strength: 0.5, seed: 1 } };
    const posted: MessageRef[] = [];
    const view: ResultView = {
      job: job as unknown as EditJob,
      result: {} as EditResultData,
      png: await testPng(),
      caption: `"${prompt}"`,
      controls: RESULT_CONTROLS.map((c) => ({ ...c, id: controlId(c.control, job.jobId) })),
      posted: async (ref) => {
        posted.push(ref);
      },
    };
    const origin: Origin = {
      platform: "slack",
      workspaceId: fake.ids.teamId,
      channelId: CHANNEL,
      threadId: root.ts,
      userId: USER,
    };
    const ref = await adapter.postResult(origin, view);
    return { root, ref, posted };
  }

  it("sends the alt text as alt_txt (the documented name), cut to 1000 characters", async () => {
    await postResult("😀".repeat(1200));
    const call = fake.calls("files.getUploadURLExternal").at(-1);
    assert.equal(call?.params.alt_text, undefined);
    const alt = String(call?.params.alt_txt);
    assert.ok(alt.startsWith("Edited image: 😀"));
    assert.equal([...alt].length, 1000);
    assert.ok(alt.endsWith("…"));
  });

  it("puts the picture in the thread and names its message as the result", async () => {
    const { root, ref, posted } = await postResult("make it <!channel> & blue");
    const share = fake.thread(CHANNEL, root.ts).find((m) => (m.files?.length ?? 0) > 0);
    assert.equal(ref.messageId, share?.ts);
    assert.deepEqual(posted, [ref]);
    assert.equal(share?.text, '"make it &lt;!channel&gt; &amp; blue"', "the caption is escaped");
  });

  it("tells the person in the thread, with the file's link, when Slack never shares the upload", async () => {
    fake.withholdShares(1);
    const { root, ref, posted } = await postResult("make it blue");
    const replies = fake.thread(CHANNEL, root.ts).slice(1);
    assert.equal(replies.filter((m) => (m.files?.length ?? 0) > 0).length, 0, "the share never appeared");
    const notice = replies.find((m) => /has not appeared here/.test(m.text));
    assert.ok(notice, "the person is told in words");
    assert.match(notice.text, /Open it here: https:\/\/\S+\.slack\.com\/files\//);
    assert.equal(ref.messageId, notice.ts, "reactions on the notice re-run the edit");
    assert.deepEqual(posted, [ref]);
    assert.ok(
      replies.some((m) =>
        ((m.blocks ?? []) as { block_id?: string }[]).some((b) => b.block_id === "result_controls"),
      ),
      "the controls still follow",
    );
  });
});
