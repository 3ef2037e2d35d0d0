import type { IncomingMessage } from "node:http";
import type { RecordedFile } from "./types.js";

export interface ParsedRequest {
  params: Record<string, unknown>;
  headers: Record<string, string>;
  files: RecordedFile[];
  rawBody: Buffer;
  token?: string;
}

/** Fields Slack takes as JSON text inside form bodies; parsed so tests can assert on objects. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "files", "metadata", "unfurls", "payload"]);

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers["authorization"] ?? "");
  return match ? match[1].trim() : undefined;
}

function decodeJsonFields(params: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(params)) {
    if (JSON_FIELDS.has(key) && typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        params[key] = JSON.parse(value);
      } catch {
        // Slack answers invalid JSON with an error of its own; the handler sees the text and decides.
      }
    }
  }
  return params;
}

async function parseMultipart(
  body: Buffer,
  contentType: string,
): Promise<{ params: Record<string, unknown>; files: RecordedFile[] }> {
  const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  const params: Record<string, unknown> = {};
  const files: RecordedFile[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") {
      params[name] = value;
    } else {
      files.push({
        fieldName: name,
        filename: value.name,
        contentType: value.type,
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return { params, files };
}

/**
 * Reads a request the way Slack's API edge does: query string, then a form, JSON or multipart body.
 * `rawUpload` keeps a non-multipart body as one uploaded file (the external upload URL accepts raw bytes).
 */
export async function readRequest(req: IncomingMessage, url: URL, rawUpload = false): Promise<ParsedRequest> {
  const headers = flattenHeaders(req);
  const rawBody = await readBody(req);
  const contentType = headers["content-type"] ?? "";
  let params: Record<string, unknown> = Object.fromEntries(url.searchParams.entries());
  let files: RecordedFile[] = [];
  if (contentType.startsWith("multipart/form-data")) {
    const parsed = await parseMultipart(rawBody, contentType);
    params = { ...params, ...parsed.params };
    files = parsed.files;
  } else if (rawUpload && rawBody.length > 0) {
    files = [{ fieldName: "", filename: "", contentType, bytes: rawBody }];
  } else if (contentType.startsWith("application/json")) {
    const parsed: unknown = rawBody.length ? JSON.parse(rawBody.toString("utf8")) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      params = { ...params, ...(parsed as Record<string, unknown>) };
    }
  } else if (rawBody.length > 0) {
    params = { ...params, ...Object.fromEntries(new URLSearchParams(rawBody.toString("utf8")).entries()) };
  }
  decodeJsonFields(params);
  const token = bearerToken(headers) ?? (typeof params.token === "string" ? params.token : undefined);
  return { params, headers, files, rawBody, token };
}
