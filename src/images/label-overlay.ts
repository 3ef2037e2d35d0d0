import sharp from "sharp";

/**
 * A caption strip drawn over the top-left of a picture: white text on a translucent dark box, so it
 * reads on any image. Rendered by librsvg (bundled with sharp) from SVG; people's words never reach
 * it, only our own labels, and they are XML-escaped anyway.
 */
export async function labelOverlay(text: string, imageWidth: number, imageHeight: number): Promise<Buffer> {
  // As large as reads well, but small enough that the whole label fits across the picture.
  const fitWidth = Math.floor((imageWidth * 0.9) / (text.length * 0.62 + 1));
  const fontPx = Math.max(8, Math.min(48, Math.round(Math.min(imageWidth, imageHeight) / 10), fitWidth));
  const pad = Math.round(fontPx / 2);
  // A generous width estimate (DejaVu Sans averages ~0.6 em per glyph); the box is clipped to the tile.
  const boxW = Math.min(imageWidth, Math.round(text.length * fontPx * 0.62 + 2 * pad));
  const boxH = Math.min(imageHeight, fontPx + 2 * pad);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${boxW}" height="${boxH}">
<rect x="0" y="0" width="${boxW}" height="${boxH}" fill="#000" fill-opacity="0.62"/>
<text x="${pad}" y="${pad + Math.round(fontPx * 0.82)}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontPx}" font-weight="bold" fill="#fff">${escapeXml(text)}</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
