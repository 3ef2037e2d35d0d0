import type { IncomingHttpHeaders } from "node:http";
import { DiscordApiError } from "./errors/discord-api-error.js";
import type { RecordedFile } from "./recorder.js";

export interface ParsedBody {
  body: unknown;
  files: RecordedFile[];
}

/**
 * Parses a REST body the way Discord does: JSON, or multipart/form-data whose `payload_json` part is the
 * JSON body and whose `files[n]` parts are uploads. Undici's Response parses multipart for us.
 */
export async function parseBody(raw: Buffer, headers: IncomingHttpHeaders): Promise<ParsedBody> {
  const contentType = headers["content-type"] ?? "";
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith("multipart/form-data")) return parseMultipart(raw, contentType);
  if (contentType.startsWith("application/json")) {
    try {
      return { body: JSON.parse(raw.toString("utf8")), files: [] };
    } catch {
      throw DiscordApiError.invalidJson();
    }
  }
  return { body: raw.toString("utf8"), files: [] };
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw DiscordApiError.invalidForm({ payload_json: "Could not parse the multipart body." });
  }
  let body: unknown;
  const files: RecordedFile[] = [];
  const fields: Record<string, string> = {};
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") {
      if (field === "payload_json") {
        try {
          body = JSON.parse(value);
        } catch {
          throw DiscordApiError.invalidJson();
        }
      } else fields[field] = value;
      continue;
    }
    files.push({
      field,
      filename: value.name,
      contentType: value.type || "application/octet-stream",
      bytes: Buffer.from(await value.arrayBuffer()),
    });
  }
  // Without payload_json Discord reads plain form fields (`content=...`) as the body.
  return { body: body ?? (Object.keys(fields).length > 0 ? fields : undefined), files };
}
