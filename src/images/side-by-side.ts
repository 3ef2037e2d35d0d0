import sharp from "sharp";
import { labelOverlay } from "./label-overlay.js";

export interface LabelledImage {
  png: Uint8Array;
  label: string;
}

/**
 * Compare: the original and the result next to each other at the result's height, each labelled, as
 * one PNG. The original is scaled (never cropped) to that height, so with the result's aspect ratio
 * (the worker keeps it) the picture is exactly twice as wide as the result.
 */
export async function sideBySide(
  left: LabelledImage,
  right: LabelledImage,
): Promise<{ png: Buffer; width: number; height: number }> {
  const r = await sharp(right.png).metadata();
  const height = r.height ?? 1;
  const rightW = r.width ?? 1;
  const leftPng = await sharp(left.png).resize({ height, fit: "inside" }).png().toBuffer();
  const l = await sharp(leftPng).metadata();
  const leftW = l.width ?? rightW;
  const width = leftW + rightW;
  const png = await sharp({ create: { width, height, channels: 3, background: "#000" } })
    .composite([
      { input: leftPng, left: 0, top: 0 },
      { input: await labelOverlay(left.label, leftW, height), left: 0, top: 0 },
      { input: Buffer.from(right.png), left: leftW, top: 0 },
      { input: await labelOverlay(right.label, rightW, height), left: leftW, top: 0 },
    ])
    .png({ compressionLevel: 3, adaptiveFiltering: true })
    .toBuffer();
  return { png, width, height };
}
