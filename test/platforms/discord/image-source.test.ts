import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Collection, Embed, type Message } from "discord.js";
import type { APIEmbed } from "discord-api-types/v10";
import { imageFromMessage } from "../../../src/platforms/discord/image-source.js";

const HOSTS = ["cdn.discordapp.com", "media.discordapp.net"];

/**
 * A message with no attachments and these embeds, read through discord.js' own Embed class (its
 * constructor is internal, hence the cast): the getters map Discord's `proxy_url` to `proxyURL`.
 */
function messageWithEmbeds(...embeds: APIEmbed[]): Message {
  const EmbedClass = Embed as unknown as new (data: APIEmbed) => Embed;
  return {
    attachments: new Collection(),
    embeds: embeds.map((e) => new EmbedClass(e)),
  } as unknown as Message;
}

describe("imageFromMessage with embeds", () => {
  it("takes an embed's picture through Discord's proxy URL, not its origin", () => {
    const input = imageFromMessage(
      messageWithEmbeds({
        image: {
          url: "https://origin.example/cat.png",
          proxy_url: "https://media.discordapp.net/external/abc/https/origin.example/cat.png",
        },
      }),
      HOSTS,
    );
    assert.deepEqual(input, {
      kind: "url",
      url: "https://media.discordapp.net/external/abc/https/origin.example/cat.png",
      allowedHosts: HOSTS,
    });
  });

  it("falls back to the thumbnail's proxy URL, and never to an origin URL alone", () => {
    const thumb = imageFromMessage(
      messageWithEmbeds({
        thumbnail: { url: "https://origin.example/t.png", proxy_url: "https://media.discordapp.net/t.png" },
      }),
      HOSTS,
    );
    assert.equal(thumb?.kind === "url" && thumb.url, "https://media.discordapp.net/t.png");
    assert.equal(
      imageFromMessage(messageWithEmbeds({ image: { url: "https://origin.example/x.png" } }), HOSTS),
      null,
    );
  });
});
