import type { Attachment, Message } from "discord.js";
import type { ImageInput } from "../../core/edit-request.js";

/**
 * An attachment as the core's intake takes it: the URL (checked against the allow-list before any
 * download) plus what Discord declares about type and size, so a video or a 2 GB file is refused
 * before a byte is fetched.
 */
export function imageFromAttachment(attachment: Attachment, allowedHosts: readonly string[]): ImageInput {
  return {
    kind: "url",
    url: attachment.url,
    allowedHosts,
    declaredContentType: attachment.contentType ?? undefined,
    declaredBytes: attachment.size,
    name: attachment.name,
  };
}

/**
 * The image a message shows: its first image attachment, else its first embedded image; null when
 * none. An embed's picture is fetched through Discord's media proxy (`proxy_url`, on Discord's own
 * hosts), never from the URL the embed names: that origin can be any server on the internet.
 */
export function imageFromMessage(message: Message, allowedHosts: readonly string[]): ImageInput | null {
  const attachments = [...message.attachments.values()];
  const image = attachments.find((a) => a.contentType?.startsWith("image/")) ?? attachments[0];
  if (image) return imageFromAttachment(image, allowedHosts);
  for (const embed of message.embeds) {
    const url = embed.image?.proxyURL ?? embed.thumbnail?.proxyURL;
    if (url) return { kind: "url", url, allowedHosts };
  }
  return null;
}
