import type { ImageInput } from "../../core/edit-request.js";

/** The fields of a Slack file object rf-edit reads (messages, events and shortcuts all carry these). */
export interface SlackFileLike {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

/** The fields of a Slack message rf-edit reads. */
export interface SlackMessageLike {
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  files?: SlackFileLike[];
}

export function isImageFile(file: SlackFileLike): boolean {
  return (file.mimetype ?? "").toLowerCase().startsWith("image/");
}

/**
 * The file of a message worth editing: its first image, else its first file at all, so that a PDF
 * is answered "not an image" in words by the core rather than ignored.
 */
export function pickFile(message: SlackMessageLike): SlackFileLike | undefined {
  const files = (message.files ?? []).filter((f) => f.url_private || f.url_private_download);
  return files.find(isImageFile) ?? files[0];
}

/**
 * A Slack file as the core's image input. The bot token travels only with the allow-list: the core's
 * safe download checks every hop's host (https, Slack's file hosts) before it sends any header, and
 * checks the declared type and size before downloading at all.
 */
export function imageInputFor(
  file: SlackFileLike,
  botToken: string,
  fileHosts: readonly string[],
): ImageInput {
  return {
    kind: "url",
    url: file.url_private ?? file.url_private_download ?? "",
    allowedHosts: fileHosts,
    headers: { Authorization: `Bearer ${botToken}` },
    declaredContentType: file.mimetype,
    declaredBytes: file.size,
    name: file.name ?? file.title,
  };
}
