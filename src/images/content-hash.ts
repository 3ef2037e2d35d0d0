import { createHash } from "node:crypto";

/** The content address of bytes: images, results and inversion cache keys all use it. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
