import type { Config } from "../../config/index.js";
import { encodePng } from "../images/encode-png.js";
import { DownloadError, imageTooLargeMessage } from "../images/errors/download-error.js";
import { ImageError } from "../images/errors/image-error.js";
import { normaliseImage } from "../images/normalise-image.js";
import { resizeRgb } from "../images/rgb-image.js";
import { safeDownload } from "../images/safe-download.js";
import type { ImageStore } from "../queue/image-store.js";
import type { ImageInput } from "./edit-request.js";
import { UserFacingError } from "./errors/user-facing-error.js";

/** Stored inputs are capped at 4x the working size: enough for any edit, small enough for Redis. */
const STORE_SCALE = 4;

const IMAGE_TYPES = /^image\/(png|jpe?g|webp|gif|heic|heif|avif|tiff)$/i;

/**
 * Turns whatever a platform hands over into a normalised PNG in the image store: checks what the
 * platform declares before downloading, downloads with caps from allowed hosts only, decodes and
 * normalises with sharp, and stores by content hash.
 */
export class ImageIntake {
  constructor(
    private readonly store: ImageStore,
    private readonly limits: Config["limits"],
  ) {}

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
    const bytes = input.kind === "bytes" ? input.bytes : await this.download(input);
    if (bytes.byteLength > this.limits.maxImageBytes) throw this.tooLarge(bytes.byteLength);
    try {
      const image = await normaliseImage(bytes, { maxPixels: this.limits.maxImagePixels });
      const maxPixels = STORE_SCALE * this.limits.targetMegapixels * 1024 * 1024;
      const pixels = image.width * image.height;
      const scaled =
        pixels > maxPixels
          ? await resizeRgb(
              image,
              Math.max(1, Math.round(image.width * Math.sqrt(maxPixels / pixels))),
              Math.max(1, Math.round(image.height * Math.sqrt(maxPixels / pixels))),
            )
          : image;
      return await this.store.put(await encodePng(scaled));
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

  private async download(input: Extract<ImageInput, { kind: "url" }>): Promise<Uint8Array> {
    if (input.declaredContentType && !IMAGE_TYPES.test(input.declaredContentType.split(";")[0].trim())) {
      throw new UserFacingError(
        "not_an_image",
        `${input.name ? `"${input.name}"` : "That file"} is not an image I can edit (PNG, JPEG, WebP, GIF, HEIC, AVIF or TIFF).`,
      );
    }
    if (input.declaredBytes !== undefined && input.declaredBytes > this.limits.maxImageBytes) {
      throw this.tooLarge(input.declaredBytes);
    }
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
