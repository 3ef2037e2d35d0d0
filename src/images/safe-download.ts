import { DownloadError, imageTooLargeMessage } from "./errors/download-error.js";

export interface SafeDownloadOptions {
  /**
   * Where the URL (and every redirect) may point, lower case: `host` allows that host on the
   * scheme's default port only (443), `host:port` exactly that port.
   */
  allowedHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** Sent only to allowed hosts (e.g. Slack's bearer token); never across a redirect to another host. */
  headers?: Record<string, string>;
  maxRedirects?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * Host and port must both be on the list: a file server's other ports are other services, and a
 * redirect to one must not receive the bearer token sent to the file server.
 */
function hostAllowed(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : url.protocol === "http:" ? "80" : "");
  const onList = allowed.some((entry) => {
    const m = /^(.+):(\d{1,5})$/.exec(entry);
    // "[::1]" ends in "]", so an IPv6 literal without a port is never read as one.
    return m ? m[1] === host && Number(m[2]) === Number(port) : entry === host && url.port === "";
  });
  if (!onList) return false;
  // https only; plain http just for loopback hosts named in the allow-list (tests, local fakes).
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(host));
}

/**
 * Fetches an image from an allow-listed host with size and time caps. Redirects are followed by hand
 * so that each hop is checked against the allow-list before any header is sent to it.
 */
export async function safeDownload(rawUrl: string, o: SafeDownloadOptions): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new DownloadError(
      "host_not_allowed",
      `not a URL: ${rawUrl}`,
      "That attachment link is not a valid URL.",
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), o.timeoutMs);
  try {
    for (let hop = 0; hop <= (o.maxRedirects ?? 3); hop++) {
      if (!hostAllowed(url, o.allowedHosts)) {
        throw new DownloadError(
          "host_not_allowed",
          `refused to download from ${url.protocol}//${url.host}`,
          "I only download images from this platform's own file servers, and that link points elsewhere.",
        );
      }
      const res = await fetch(url, { headers: o.headers, redirect: "manual", signal: controller.signal });
      if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
        await res.body?.cancel();
        url = new URL(res.headers.get("location") as string, url);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new DownloadError(
          "http_error",
          `download failed with HTTP ${res.status}`,
          `I could not download the image (the file server answered ${res.status}). Try uploading it again.`,
        );
      }
      const type = res.headers.get("content-type") ?? "";
      if (
        type &&
        !type.startsWith("image/") &&
        !type.startsWith("application/octet-stream") &&
        !type.startsWith("binary/")
      ) {
        await res.body?.cancel();
        throw new DownloadError(
          "not_an_image",
          `content-type ${type}`,
          "That file is not an image (PNG, JPEG, WebP, GIF, HEIC or TIFF).",
        );
      }
      const declared = Number(res.headers.get("content-length") ?? "0");
      if (declared > o.maxBytes) {
        await res.body?.cancel();
        throw tooLarge(declared, o.maxBytes);
      }
      return await readCapped(res, o.maxBytes);
    }
    throw new DownloadError(
      "http_error",
      "too many redirects",
      "I could not download the image (too many redirects).",
    );
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    if (controller.signal.aborted) {
      throw new DownloadError(
        "timeout",
        `download timed out after ${o.timeoutMs} ms`,
        "Downloading the image took too long. Try again, or try a smaller file.",
        { cause: err },
      );
    }
    throw new DownloadError(
      "http_error",
      `download failed: ${(err as Error).message}`,
      "I could not download the image. Try again.",
      {
        cause: err,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(size: number, max: number): DownloadError {
  return new DownloadError(
    "too_large",
    `image of ${size} bytes over the ${max}-byte cap`,
    imageTooLargeMessage(size, max),
  );
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(total, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
