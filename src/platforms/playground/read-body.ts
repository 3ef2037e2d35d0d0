import type { IncomingMessage } from "node:http";
import { RequestError } from "./errors/request-error.js";

/**
 * Reads a request body up to `maxBytes`. A declared length over the cap is refused before reading;
 * an undeclared one is cut off as soon as it passes the cap, so nobody can fill the bot's memory.
 */
export async function readBody(req: IncomingMessage, maxBytes: number, tooLarge: string): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new RequestError(413, tooLarge);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      req.resume();
      throw new RequestError(413, tooLarge);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
