import sharp, { type OverlayOptions } from "sharp";
import { labelOverlay } from "./label-overlay.js";
import type { LabelledImage } from "./side-by-side.js";

/** Tiles wider than this are scaled down: four full-size edits would make a grid too big to post. */
export const MAX_TILE_SIDE = 768;

/**
 * Try strengths: up to four pictures as one labelled 2x2 grid (1 2 / 3 4, reading order), every tile
 * scaled to the same size (the first tile's, at most MAX_TILE_SIDE on its longer side).
 */
export async function tileGrid(
  tiles: LabelledImage[],
): Promise<{ png: Buffer; width: number; height: number; tileWidth: number; tileHeight: number }> {
  if (tiles.length < 1 || tiles.length > 4) throw new RangeError("a grid holds 1 to 4 tiles");
  const first = await sharp(tiles[0].png).metadata();
  const scale = Math.min(1, MAX_TILE_SIDE / Math.max(first.width ?? 1, first.height ?? 1));
  const tileWidth = Math.max(1, Math.round((first.width ?? 1) * scale));
  const tileHeight = Math.max(1, Math.round((first.height ?? 1) * scale));
  const cols = tiles.length === 1 ? 1 : 2;
  const rows = Math.ceil(tiles.length / cols);
  const layers: OverlayOptions[] = [];
  for (const [i, tile] of tiles.entries()) {
    const left = (i % cols) * tileWidth;
    const top = Math.floor(i / cols) * tileHeight;
    const input = await sharp(tile.png).resize(tileWidth, tileHeight, { fit: "fill" }).png().toBuffer();
    layers.push({ input, left, top });
    layers.push({ input: await labelOverlay(tile.label, tileWidth, tileHeight), left, top });
  }
  const width = cols * tileWidth;
  const height = rows * tileHeight;
  const png = await sharp({ create: { width, height, channels: 3, background: "#000" } })
    .composite(layers)
    .png({ compressionLevel: 3, adaptiveFiltering: true })
    .toBuffer();
  return { png, width, height, tileWidth, tileHeight };
}
