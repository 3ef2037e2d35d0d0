import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkCall, renderedTexts } from "../fakes/slack/api-limits.js";
import {
  CHANNEL,
  replyTexts,
  resultMessages,
  type SlackHarness,
  startSlackHarness,
  testPng,
  USER,
  waitUntil,
} from "../platforms/slack/slack-harness.js";
import { BLANK_PROMPT, HOSTILE_DISPLAY_NAME, HOSTILE_FILE_NAME, HOSTILE_PROMPTS } from "./hostile-inputs.js";

/**
 * Every Slack call the bot makes while hostile inputs go through it end to end stays within Slack's
 * documented limits and shapes (test/fakes/slack/api-limits.ts), with people's words escaped.
 */
describe("Slack conformance with hostile inputs", () => {
  let h: SlackHarness;
  let png: Buffer;

  before(async () => {
    h = await startSlackHarness({
      name: "slack-conformance",
      env: {
        MAX_PROMPT_CHARS: "1000",
        RATE_LIMIT_BURST: "100",
        RATE_LIMIT_PER_MINUTE: "1000",
        MAX_QUEUED_PER_USER: "100",
      },
    });
    png = await testPng();
    h.fake.setDisplayName(USER, HOSTILE_DISPLAY_NAME);
  });
  after(async () => {
    await h?.close();
  });

  /** Runs /edit to its end: a result, or a refusal in words (the model reads at most 512 tokens). */
  async function editWithSlash(prompt: string): Promise<string[]> {
    const { message } = h.fake.postFileMessage({
      channel: CHANNEL,
      user: USER,
      name: HOSTILE_FILE_NAME,
      bytes: png,
    });
    await h.sender.slashCommand(h.fake.payloads.slashCommand({ text: prompt }));
    const ended = () => replyTexts(h.fake, message.ts).some((t) => /^(✅ Done|⚠️)/.test(t));
    await waitUntil(`the end of ${prompt.slice(0, 20)}`, ended);
    return replyTexts(h.fake, message.ts);
  }

  test("long, emoji, CJK and control-sequence prompts through /edit", async () => {
    const outcomes = new Map<string, string[]>();
    for (const [name, prompt] of Object.entries(HOSTILE_PROMPTS))
      outcomes.set(name, await editWithSlash(prompt));
    for (const [name, texts] of outcomes) {
      // Characters are counted as Slack counts them: 1000 emoji are 1000, within MAX_PROMPT_CHARS.
      assert.ok(!texts.some((t) => /characters long/.test(t)), `${name} was not refused for its length`);
    }
    const done = [...outcomes.values()].filter((texts) => texts.some((t) => t.startsWith("✅ Done")));
    assert.ok(done.length >= 3, "the prompts the model can read were edited");
  });

  test("@mention with Slack's control sequences is edited with them shown as typed", async () => {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({
      channel: CHANNEL,
      user: USER,
      name: "dog.png",
      bytes: png,
      text: `<@${fake.ids.botUserId}> ${HOSTILE_PROMPTS.slackControl}`,
    });
    await sender.event(
      fake.payloads.eventCallback(
        fake.payloads.appMention({ text: message.text, ts: message.ts, files: message.files }),
      ),
    );
    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    const caption = String(resultMessages(fake, message.ts)[0].text);
    assert.match(
      caption,
      /&lt;!channel&gt; &lt;!here&gt; paint it blue &amp; gold &lt;https:\/\/evil\.example\|click me&gt;/,
    );
  });

  test("the shortcut on a file with a 1600-character emoji and CJK name opens its modal and edits", async () => {
    const { fake, sender } = h;
    const { message } = fake.postFileMessage({
      channel: CHANNEL,
      user: USER,
      name: HOSTILE_FILE_NAME,
      bytes: png,
    });
    const shortcut = fake.payloads.messageShortcut({ message });
    await sender.interaction(shortcut);
    const open = await fake.waitForCall("views.open", (c) => c.params.trigger_id === shortcut.trigger_id);
    assert.equal((open.response as { ok: boolean }).ok, true, "the modal opened");
    const view = fake.views.get((open.response as { view: { id: string } }).view.id)!;
    assert.match(view.private_metadata, /^rfm_[A-Za-z0-9_-]{22}$/, "private_metadata is a key, not the data");

    // Whitespace only: the modal answers with an error under the prompt, and nothing starts.
    const blank = await sender.interaction(
      fake.payloads.viewSubmission({
        view,
        values: { prompt: { prompt_input: { type: "plain_text_input", value: BLANK_PROMPT } } },
      }),
    );
    const answer = JSON.parse(blank.body || "{}") as {
      response_action?: string;
      errors?: Record<string, string>;
    };
    assert.equal(answer.response_action, "errors");
    assert.match(answer.errors?.prompt ?? "", /Tell me what to change/);

    await sender.interaction(
      fake.payloads.viewSubmission({
        view,
        values: {
          prompt: { prompt_input: { type: "plain_text_input", value: HOSTILE_PROMPTS.cjk } },
          strength: { strength_input: { type: "number_input", value: "0.3" } },
        },
      }),
    );
    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);

    // A form whose record is gone (a day later, or a forged id) says so in the open modal.
    const expired = await sender.interaction(
      fake.payloads.viewSubmission({
        view: { ...view, private_metadata: "rfm_AAAAAAAAAAAAAAAAAAAAAA" },
        values: { prompt: { prompt_input: { type: "plain_text_input", value: "make it red" } } },
      }),
    );
    const told = JSON.parse(expired.body || "{}") as { errors?: Record<string, string> };
    assert.match(told.errors?.prompt ?? "", /That form has expired/);
  });

  test("a whitespace-only /edit is refused to the caller before any history is read", async () => {
    const { fake, sender } = h;
    const before = fake.calls("conversations.history").length;
    await sender.slashCommand(fake.payloads.slashCommand({ text: BLANK_PROMPT }));
    await fake.waitForCall("response_url", (c) => /Tell me what to change/.test(String(c.params.text)));
    assert.equal(fake.calls("conversations.history").length, before);
  });

  test("every call stayed within Slack's limits, with people's words escaped", async () => {
    const calls = h.fake.calls();
    assert.ok(calls.length > 50, `${calls.length} calls recorded`);
    const problems: string[] = [];
    for (const call of calls) {
      for (const [path, problem] of Object.entries(checkCall(call.method, call.params)))
        problems.push(`${call.method} ${path}: ${problem}`);
      for (const text of renderedTexts(call.method, call.params)) {
        // The bot writes no control sequence of its own, so any `<!`, `<@`, `<#` or `<http` came
        // from someone's words unescaped: a notification or a disguised link.
        const control = /<[!@#]|<https?:/.exec(text);
        if (control)
          problems.push(
            `${call.method}: unescaped control sequence in ${JSON.stringify([...text].slice(0, 120).join(""))}`,
          );
      }
    }
    assert.deepEqual(problems, []);

    const uploads = h.fake.calls("files.getUploadURLExternal");
    assert.ok(uploads.length >= 7);
    for (const u of uploads)
      assert.equal(typeof u.params.alt_txt, "string", "alt text under its documented name");
    const modals = h.fake.calls("views.open");
    for (const m of modals) {
      const view = m.params.view as { blocks: { element?: { type: string; max_length?: number } }[] };
      const prompt = view.blocks.find((b) => b.element?.type === "plain_text_input");
      assert.equal(prompt?.element?.max_length, 1000, "the prompt input carries max_length");
    }
    // The requester is named by display name, escaped, and never mentioned.
    const statuses = h.fake.calls("chat.update").map((c) => String(c.params.text));
    assert.ok(statuses.every((t) => !t.includes("<@")));
  });
});
