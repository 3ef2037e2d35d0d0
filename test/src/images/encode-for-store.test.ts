import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import sharp from "sharp";
import { encodeForStore, storedSize } from "../../../src/images/encode-for-store.js";
import { ImageError } from "../../../src/images/errors/image-error.js";
import { fitSize, outputSize } from "../../../src/images/fit-size.js";
import { normaliseImage } from "../../../src/images/normalise-image.js";
import { testPng } from "../../support/images.js";

/** A photo-like picture: smooth gradients with fine noise, which flat-colour test images lack. */
async function photoLike(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let s = 7;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = (s >>> 27) - 16;
      const i = (y * width + x) * 3;
      data[i] = Math.max(0, Math.min(255, (x * 255) / width + n));
      data[i + 1] = Math.max(0, Math.min(255, (y * 255) / height + n));
      data[i + 2] = Math.max(0, Math.min(255, 128 + 60 * Math.sin(x / 17) + n));
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

describe("encodeForStore", () => {
  it("keeps a large upload at the working area (the size results come back at), not 4x it", async () => {
    const upload = await photoLike(2400, 1600);
    const stored = await encodeForStore(upload, { targetMegapixels: 1 });
    const expected = outputSize({ width: 2400, height: 1600 }, fitSize(2400, 1600, { targetMegapixels: 1 }));
    assert.deepEqual({ width: stored.width, height: stored.height }, expected);
    assert.ok(stored.width * stored.height <= 1024 * 1024 * 1.01);
    assert.deepEqual(stored.source, { format: "jpeg", width: 2400, height: 1600 });
    const meta = await sharp(stored.bytes).metadata();
    assert.equal(meta.format, stored.format);
    assert.deepEqual([meta.width, meta.height], [stored.width, stored.height]);
  });

  it("never upscales a small upload, and stores it losslessly", async () => {
    const upload = await testPng(200, 120);
    const stored = await encodeForStore(upload, { targetMegapixels: 1 });
    assert.deepEqual([stored.width, stored.height], [200, 120]);
    const before = await normaliseImage(upload);
    const after = await normaliseImage(stored.bytes);
    assert.ok(before.data.equals(after.data), "the stored pixels are exactly the upload's");
  });

  it("keeps whichever of lossless WebP and PNG is smaller, and the worker's decoder reads it", async () => {
    // Noisy photo: WebP wins. A two-colour stripe: PNG's filters can win. Either way, the smaller.
    for (const upload of [await photoLike(640, 480), await testPng(640, 480)]) {
      const stored = await encodeForStore(upload, { targetMegapixels: 1 });
      const image = await normaliseImage(upload);
      const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
      const webp = await raw.clone().webp({ lossless: true, effort: 1 }).toBuffer();
      const png = await raw.clone().png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
      assert.equal(stored.bytes.length, Math.min(webp.length, png.length));
      assert.equal(stored.format, webp.length <= png.length ? "webp" : "png");
      const read = await normaliseImage(stored.bytes);
      assert.ok(read.data.equals(image.data));
    }
  });

  it("applies EXIF orientation before choosing the size", async () => {
    // Stored 400x200 with orientation 6 (rotate 90): upright it is 200x400.
    const upload = await sharp(await testPng(400, 200))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const stored = await encodeForStore(upload, { targetMegapixels: 1 });
    assert.deepEqual([stored.width, stored.height], [200, 400]);
  });

  it("throws an ImageError, storing nothing, for junk that starts with image magic", async () => {
    const junk = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(4096),
    ]);
    await assert.rejects(encodeForStore(junk, { targetMegapixels: 1 }), ImageError);
    const jpegJunk = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096)]);
    await assert.rejects(encodeForStore(jpegJunk, { targetMegapixels: 1 }), ImageError);
  });

  it("refuses a picture too elongated to edit before storing it", async () => {
    await assert.rejects(encodeForStore(await testPng(900, 100), { targetMegapixels: 1 }), {
      code: "bad_shape",
    });
    assert.throws(() => storedSize(900, 100, 1), { code: "bad_shape" });
  });
});
