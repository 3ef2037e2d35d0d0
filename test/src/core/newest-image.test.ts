import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tookNewestImageText } from "../../../src/core/messages.js";
import { findNewestImage } from "../../../src/core/newest-image.js";

describe("the newest-image rule for /edit without an image", () => {
  it("takes the thread's newest image first, then the channel's, and says which", async () => {
    const asked: string[] = [];
    const lookups = (thread: string | null, channel: string | null) => ({
      inThread: async () => {
        asked.push("thread");
        return thread;
      },
      inChannel: async () => {
        asked.push("channel");
        return channel;
      },
    });
    assert.deepEqual(await findNewestImage(lookups("t.png", "c.png")), { image: "t.png", where: "thread" });
    assert.deepEqual(asked, ["thread"], "the channel is not searched when the thread has one");
    assert.deepEqual(await findNewestImage(lookups(null, "c.png")), { image: "c.png", where: "channel" });
    assert.equal(await findNewestImage(lookups(null, null)), null);
    assert.deepEqual(await findNewestImage({ inChannel: async () => "c.png" }), {
      image: "c.png",
      where: "channel",
    });
  });

  it("names the image, who shared it and where it was found", () => {
    assert.equal(
      tookNewestImageText("https://x/1", "cat.png", "@ann", "thread"),
      'No image in your message, so I\'m editing the newest one in this thread: "cat.png" shared by @ann: https://x/1',
    );
    assert.equal(
      tookNewestImageText(undefined, undefined, undefined, "channel"),
      "No image in your message, so I'm editing the newest one in this channel: the image.",
    );
  });
});
