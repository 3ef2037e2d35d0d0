/**
 * What a result over a platform's upload limit costs: `npx tsx bench/encode-to-fit.ts`.
 * For a smooth, a textured and a noisy picture at 1 and 4 MP (TARGET_MEGAPIXELS=4 is where a PNG passes Discord's
 * 10 MiB), and for Discord's default limit and a tight one, prints the PNG's size, the encoding
 * chosen, its size and the time taken. Target: a 4 MP result fits 10 MiB in under a second, and a tight 2 MiB in a few.
 */
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { encodeToFit } from "../src/images/encode-to-fit.js";

const MiB = 1024 * 1024;

/** Smooth: a gradient (PNG's best case). Textured: blurred noise, like foliage or gravel. Noisy: the worst case. */
async function picture(kind: "smooth" | "textured" | "noisy", side: number): Promise<Buffer> {
  const raw = Buffer.alloc(side * side * 3);
  if (kind !== "smooth") randomBytes(raw.length).copy(raw);
  else
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const i = (y * side + x) * 3;
        raw[i] = (x * 255) / side;
        raw[i + 1] = (y * 255) / side;
        raw[i + 2] = ((x + y) * 127) / side;
      }
  const image = sharp(raw, { raw: { width: side, height: side, channels: 3 } });
  return (kind === "textured" ? image.blur(1.2) : image)
    .png({ compressionLevel: 3, adaptiveFiltering: true })
    .toBuffer();
}

const rows: string[][] = [["picture", "PNG", "limit", "sent as", "bytes", "ms"]];
for (const side of [1024, 2048]) {
  for (const kind of ["smooth", "textured", "noisy"] as const) {
    const png = await picture(kind, side);
    for (const limit of [10 * MiB, 2 * MiB]) {
      const started = performance.now();
      const fitted = await encodeToFit(png, limit);
      const ms = performance.now() - started;
      rows.push([
        `${kind} ${(side * side) / MiB} MP`,
        `${(png.byteLength / MiB).toFixed(1)} MiB`,
        `${limit / MiB} MiB`,
        fitted
          ? `${fitted.format}${fitted.quality ? ` q${fitted.quality}` : ""}${fitted.scale < 1 ? ` x${fitted.scale}` : ""}`
          : "nothing fits",
        fitted ? `${(fitted.bytes.byteLength / MiB).toFixed(2)} MiB` : "-",
        ms.toFixed(0),
      ]);
    }
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join("  ")}\n`);
