import type { Config } from "../../config/index.js";
import { encodeForStore } from "../images/encode-for-store.js";
import { DownloadError, imageTooLargeMessage } from "../images/errors/download-error.js";
import { ImageError } from "../images/errors/image-error.js";
import { safeDownload } from "../images/safe-download.js";
import type { ImageStore } from "../queue/image-store.js";
import type { ImageInput } from "./edit-request.js";
import { UserFacingError } from "./errors/user-facing-error.js";
import type { IntakeGate } from "./intake/intake-gate.js";

/** Reads an upload's body, refusing it (with an error of its own) once it passes `maxBytes`. */
export type BodyReader = (maxBytes: number) => Promise<Uint8Array>;

const IMAGE_TYPES = /^image\/(png|jpe?g|webp|gif|heic|heif|avif|tiff)$/i;

/**
 * Turns whatever a platform hands over into a normalised image in the image store: checks what the
 * platform declares before downloading, downloads with caps from allowed hosts only, decodes and
 * normalises with sharp, and stores by content hash, at the size the worker will use. Download,
 * decode and store all run inside one slot of the intake gate, so a burst of uploads waits (or is
 * told the bot is busy) instead of filling memory; nothing reaches the store before it decodes.
 */
export class ImageIntake {
  constructor(
    private readonly store: ImageStore,
    private readonly limits: Config["limits"],
    private readonly gate: IntakeGate,
  ) {}

  /**
   * An upload whose body is still unread (the playground's POST): it is read inside the slot, so
   * waiting uploads cost no memory. Returns the stored key.
   */
  async takeUpload(read: BodyReader): Promise<string> {
    return this.gate.run(async () => this.decodeAndStore(await read(this.limits.maxImageBytes)));
  }

  async take(input: ImageInput): Promise<string> {
    if (input.kind === "stored") {
      if (!(await this.store.touch(input.key))) {
        throw new UserFacingError(
          "not_found",
          "That image is no longer stored here; upload it again to edit it.",
        );
      }
      return input.key;
    }
    if (input.kind === "url") this.checkDeclared(input);
    return this.gate.run(async () =>
      this.decodeAndStore(input.kind === "bytes" ? input.bytes : await this.download(input)),
    );
  }

  private async decodeAndStore(bytes: Uint8Array): Promise<string> {
    if (bytes.byteLength > this.limits.maxImageBytes) throw this.tooLarge(bytes.byteLength);
    try {
      const stored = await encodeForStore(bytes, {
        targetMegapixels: this.limits.targetMegapixels,
        maxPixels: this.limits.maxImagePixels,
      });
      return await this.store.put(stored.bytes);
    } catch (err) {
      if (err instanceof ImageError) {
        throw new UserFacingError(
          err.code === "too_large"
            ? "image_too_large"
            : err.code === "not_an_image"
              ? "not_an_image"
              : "image_unreadable",
          err.userMessage,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** What the platform declares is checked before taking a slot: a video is refused for free. */
  private checkDeclared(input: Extract<ImageInput, { kind: "url" }>): void {
    if (input.declaredContentType && !IMAGE_TYPES.test(input.declaredContentType.split(";")[0].trim())) {
      throw new UserFacingError(
        "not_an_image",
        `${input.name ? `"${input.name}"` : "That file"} is not an image I can edit (PNG, JPEG, WebP, GIF, HEIC, AVIF or TIFF).`,
      );
    }
    if (input.declaredBytes !== undefined && input.declaredBytes > this.limits.maxImageBytes) {
      throw this.tooLarge(input.declaredBytes);
    }
  }

  private async download(input: Extract<ImageInput, { kind: "url" }>): Promise<Uint8Array> {
    try {
      return await safeDownload(input.url, {
        allowedHosts: input.allowedHosts,
        headers: input.headers,
        maxBytes: this.limits.maxImageBytes,
        timeoutMs: this.limits.downloadTimeoutMs,
      });
    } catch (err) {
      if (err instanceof DownloadError) {
        const code =
          err.code === "host_not_allowed"
            ? "host_not_allowed"
            : err.code === "too_large"
              ? "image_too_large"
              : err.code === "not_an_image"
                ? "not_an_image"
                : "download_failed";
        throw new UserFacingError(code, err.userMessage, { cause: err });
      }
      throw err;
    }
  }

  private tooLarge(bytes: number): UserFacingError {
    return new UserFacingError("image_too_large", imageTooLargeMessage(bytes, this.limits.maxImageBytes));
  }
}
