import sharp from "sharp";

/** A real picture with large shapes, so edits and round trips have something to keep. */
export async function testPng(width = 256, height = 192): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#3a6ea5"/>
    <circle cx="${width * 0.35}" cy="${height * 0.5}" r="${Math.min(width, height) * 0.3}" fill="#f2c14e"/>
    <rect x="${width * 0.6}" y="${height * 0.2}" width="${width * 0.3}" height="${height * 0.6}" fill="#d1495b"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
