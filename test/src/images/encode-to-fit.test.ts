import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, it } from "node:test";
import sharp from "sharp";
import { encodeToFit } from "../../../src/images/encode-to-fit.js";

describe("encodeToFit: a result under an upload limit", () => {
  let png: Buffer;
  before(async () => {
    // Noise: the worst case for every codec (about 770 KB as PNG, 210 KB as JPEG q90).
    png = await sharp(randomBytes(512 * 512 * 3), { raw: { width: 512, height: 512, channels: 3 } })
      .png()
      .toBuffer();
  });

  it("keeps the PNG itself when it fits", async () => {
    const fitted = await encodeToFit(png, png.byteLength);
    assert.equal(fitted?.format, "png");
    assert.equal(fitted?.bytes, png);
  });

  it("goes lossy at full size, at high quality, when that fits", async () => {
    const fitted = await encodeToFit(png, 400 * 1024);
    assert.equal(fitted?.format, "jpeg");
    assert.equal(fitted?.quality, 90);
    assert.equal(fitted?.scale, 1);
    const meta = await sharp(fitted?.bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [512, 512]);
  });

  it("makes the picture smaller only when no full-size encoding fits, and stays under the limit", async () => {
    const limit = 60 * 1024;
    const fitted = await encodeToFit(png, limit);
    assert.ok(fitted);
    assert.ok(fitted.bytes.byteLength <= limit);
    assert.ok(fitted.scale < 1);
    const meta = await sharp(fitted.bytes).metadata();
    assert.equal(meta.width, meta.height, "the aspect ratio is kept");
  });

  it("gives up rather than send a thumbnail", async () => {
    assert.equal(await encodeToFit(png, 1000), null);
  });
});
