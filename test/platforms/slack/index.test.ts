import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  buttonIds,
  CHANNEL,
  replyTexts,
  resultMessages,
  type SlackHarness,
  startSlackHarness,
  statusMessages,
  testPng,
  USER,
  waitUntil,
} from "./slack-harness.js";

describe("Slack app end to end (HTTP, tiny model)", () => {
  let h: SlackHarness;
  let png: Buffer;

  before(async () => {
    h = await startSlackHarness({ name: "slack-e2e" });
    png = await testPng();
  });

  after(async () => {
    await h.close();
  });

  test("/edit takes the newest image in the channel, names it, and posts the result in its thread", async () => {
    const { fake, sender } = h;
    fake.postFileMessage({ channel: CHANNEL, user: USER, name: "old.png", bytes: png });
    const { message } = fake.postFileMessage({ channel: CHANNEL, user: USER, name: "cat.png", bytes: png });
    fake.postMessage({ channel: CHANNEL, user: USER, text: "no picture here" });

    const response = await sender.slashCommand(fake.payloads.slashCommand({ text: "make it snowy 0.6" }));
    assert.equal(response.status, 200);

    await waitUntil("the result", () => resultMessages(fake, message.ts).length === 1);
    const result = resultMessages(fake, message.ts)[0];
    assert.deepEqual(
      buttonIds(result).map((id) => id.split(":")[1]),
      ["weaker", "stronger", "new-seed", "edit-again"],
    );
    const caption = JSON.stringify(result.blocks);
    assert.match(caption, /make it snowy/);
    assert.match(caption, /strength 0\.6/);
    assert.match(caption, /seed \d+/);
    await waitUntil("suggested reactions", () => (result.reactions?.length ?? 0) === 3);
    assert.deepEqual(
      result.reactions?.map((r) => r.name),
      ["heavy_minus_sign", "heavy_plus_sign", "game_die"],
    );
    await waitUntil("done status", () => replyTexts(fake, message.ts).some((t) => t.startsWith("✅ Done")));

    const named = fake.responses.find((r) => String(r.body.text).includes("cat.png"));
    assert.ok(named, "the caller is told which image was taken");
    assert.match(String(named.body.text), new RegExp(message.ts.replace(".", "")));
    // The token went to the file host, and only there.
    const download = fake.downloads.find((d) => d.path.includes(message.files![0].id));
    assert.equal(download?.token, fake.botToken);
  });
});
