import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { imageInputFor, pickFile } from "../../../src/platforms/slack/slack-file.js";

const file = (name: string, mimetype: string) => ({
  id: name,
  name,
  mimetype,
  size: 10,
  url_private: `https://files.slack.com/files-pri/T-${name}/${name}`,
});

describe("pickFile", () => {
  test("prefers the first image, else the first file (so a PDF is refused in words)", () => {
    assert.equal(
      pickFile({ files: [file("a.pdf", "application/pdf"), file("b.png", "image/png")] })?.name,
      "b.png",
    );
    assert.equal(pickFile({ files: [file("a.pdf", "application/pdf")] })?.name, "a.pdf");
    assert.equal(pickFile({ files: [] }), undefined);
    assert.equal(pickFile({}), undefined);
  });
});

describe("imageInputFor", () => {
  test("carries the token, the allow-list and the declared type and size to the core", () => {
    const input = imageInputFor(file("b.png", "image/png"), "xoxb-t", ["files.slack.com"]);
    assert.deepEqual(input, {
      kind: "url",
      url: "https://files.slack.com/files-pri/T-b.png/b.png",
      allowedHosts: ["files.slack.com"],
      headers: { Authorization: "Bearer xoxb-t" },
      declaredContentType: "image/png",
      declaredBytes: 10,
      name: "b.png",
    });
  });
});
