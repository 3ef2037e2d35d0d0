import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp, { type SharpOptions } from "sharp";
import {
  CorruptImageError,
  ImageError,
  ImageTooLargeError,
  NotAnImageError,
  normaliseImage,
} from "../../../src/images/index.js";

let dir: string;

/** Writes bytes to a real file and reads them back, as an upload would arrive. */
async function asFile(name: string, bytes: Buffer): Promise<Buffer> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return readFile(path);
}

function noise(width: number, height: number, channels: 3 | 4, seed = 1): Buffer {
  const out = Buffer.alloc(width * height * channels);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-edit-images-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("normaliseImage", () => {
  it("decodes a JPEG to 8-bit RGB at its own size", async () => {
    const jpg = await asFile(
      "a.jpg",
      await sharp(noise(40, 30, 3), { raw: { width: 40, height: 30, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    const img = await normaliseImage(jpg);
    assert.equal(img.width, 40);
    assert.equal(img.height, 30);
    assert.equal(img.format, "jpeg");
    assert.equal(img.data.length, 40 * 30 * 3);
  });

  it("applies the EXIF orientation", async () => {
    const jpg = await asFile(
      "rotated.jpg",
      await sharp({ create: { width: 40, height: 20, channels: 3, background: "#f00" } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    );
    const img = await normaliseImage(jpg);
    assert.deepEqual([img.width, img.height], [20, 40]);
  });

  it("flattens transparency onto white", async () => {
    const rgba = Buffer.alloc(4 * 4 * 4); // fully transparent black
    const png = await asFile(
      "alpha.png",
      await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } })
        .png()
        .toBuffer(),
    );
    const img = await normaliseImage(png);
    assert.deepEqual([...img.data.subarray(0, 3)], [255, 255, 255]);
  });

  it("reads a 16-bit PNG as 8-bit sRGB", async () => {
    const png = await asFile(
      "deep.png",
      await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 10, g: 200, b: 30 } } })
        .toColourspace("rgb16")
        .png()
        .toBuffer(),
    );
    assert.equal((await sharp(png).metadata()).depth, "ushort");
    const img = await normaliseImage(png);
    assert.equal(img.data.length, 8 * 6 * 3);
    assert.deepEqual([...img.data.subarray(0, 3)], [10, 200, 30]);
  });

  it("converts a CMYK JPEG to RGB", async () => {
    const jpg = await asFile(
      "cmyk.jpg",
      await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 20, g: 60, b: 220 } } })
        .toColourspace("cmyk")
        .jpeg()
        .toBuffer(),
    );
    assert.equal((await sharp(jpg).metadata()).space, "cmyk");
    const img = await normaliseImage(jpg);
    assert.equal(img.data.length, 8 * 6 * 3);
    const [r, g, b] = img.data;
    assert.ok(b > r && b > g, `blue should stay the strongest channel, got ${r},${g},${b}`);
  });

  it("reads a greyscale image as three equal channels", async () => {
    const png = await asFile(
      "grey.png",
      await sharp(Buffer.alloc(12, 90), { raw: { width: 4, height: 3, channels: 1 } })
        .png()
        .toBuffer(),
    );
    const img = await normaliseImage(png);
    assert.deepEqual([...img.data.subarray(0, 3)], [90, 90, 90]);
  });

  it("takes the first frame of an animated GIF", async () => {
    const frames = Buffer.alloc(8 * 12 * 4);
    for (let p = 0; p < 8 * 12; p++) {
      const first = p < 8 * 6;
      frames.set(first ? [255, 0, 0, 255] : [0, 0, 255, 255], p * 4);
    }
    const gif = await asFile(
      "anim.gif",
      await sharp(frames, { raw: { width: 8, height: 12, channels: 4, pageHeight: 6 } } as SharpOptions)
        .gif({ loop: 0, delay: [100, 100] })
        .toBuffer(),
    );
    assert.equal((await sharp(gif).metadata()).pages, 2);
    const img = await normaliseImage(gif);
    assert.deepEqual([img.width, img.height], [8, 6]);
    const [r, g, b] = img.data;
    assert.ok(r > 200 && g < 50 && b < 50, `first frame is red, got ${r},${g},${b}`);
  });

  it("accepts a 1x1 image", async () => {
    const png = await asFile(
      "dot.png",
      await sharp({ create: { width: 1, height: 1, channels: 3, background: "#0f0" } })
        .png()
        .toBuffer(),
    );
    const img = await normaliseImage(png);
    assert.deepEqual([img.width, img.height, img.data.length], [1, 1, 3]);
  });

  it("rejects bytes that are not an image", async () => {
    const txt = await asFile("notes.txt", Buffer.from("this is plainly not an image\n".repeat(20)));
    await assert.rejects(normaliseImage(txt), (err: unknown) => {
      assert.ok(err instanceof NotAnImageError);
      assert.ok(err instanceof ImageError);
      assert.match(err.userMessage, /not an image/);
      return true;
    });
    await assert.rejects(normaliseImage(new Uint8Array(0)), NotAnImageError);
  });

  it("rejects SVG, which could reference outside resources", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
    );
    await assert.rejects(normaliseImage(svg), NotAnImageError);
  });

  it("rejects a truncated JPEG", async () => {
    const full = await sharp(noise(256, 256, 3), { raw: { width: 256, height: 256, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const cut = await asFile("cut.jpg", full.subarray(0, Math.floor(full.length * 0.6)));
    await assert.rejects(normaliseImage(cut), (err: unknown) => {
      assert.ok(err instanceof CorruptImageError);
      assert.match(err.userMessage, /damaged or incomplete/);
      return true;
    });
  });

  it("rejects an image over the pixel cap before decoding it", async () => {
    const png = await asFile(
      "big.png",
      await sharp({ create: { width: 300, height: 200, channels: 3, background: "#000" } })
        .png()
        .toBuffer(),
    );
    await assert.rejects(normaliseImage(png, { maxPixels: 50_000 }), (err: unknown) => {
      assert.ok(err instanceof ImageTooLargeError);
      assert.equal(err.width, 300);
      assert.equal(err.height, 200);
      assert.match(err.userMessage, /too large \(300x200/);
      return true;
    });
    const ok = await normaliseImage(png, { maxPixels: 60_000 });
    assert.equal(ok.width, 300);
  });
});
