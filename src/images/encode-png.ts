import { type RgbImage, rawInput } from "./rgb-image.js";

/**
 * RGB -> PNG bytes. Deterministic for the same pixels (no timestamps or metadata), so identical edits
 * give byte-identical files. Level 3 with adaptive filtering: on a smooth 1024x1024 picture it takes
 * ~80 ms for 0.9 MB, where level 6 without filtering gives 2 MB and level 9 with it takes 2 s.
 */
export async function encodePng(image: RgbImage): Promise<Buffer> {
  return rawInput(image).png({ compressionLevel: 3, adaptiveFiltering: true }).toBuffer();
}
