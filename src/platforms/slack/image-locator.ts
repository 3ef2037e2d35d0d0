import type { webApi } from "@slack/bolt";

type WebClient = webApi.WebClient;

import { isImageFile, pickFile, type SlackFileLike, type SlackMessageLike } from "./slack-file.js";

export interface FoundImage {
  message: SlackMessageLike & { ts: string };
  file: SlackFileLike;
}

/** How far back /edit looks for the newest image: two pages of history. */
const HISTORY_PAGES = 2;
const PAGE_SIZE = 100;

/** Finds the picture a request means, from Slack's history APIs. */
export class ImageLocator {
  constructor(private readonly client: WebClient) {}

  /** /edit: the newest top-level message of the channel that carries an image file. */
  async newestInChannel(channel: string): Promise<FoundImage | null> {
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const res = await this.client.conversations.history({ channel, limit: PAGE_SIZE, cursor });
      for (const m of (res.messages ?? []) as SlackMessageLike[]) {
        const file = (m.files ?? []).find((f) => isImageFile(f) && f.url_private);
        if (file && m.ts) return { message: { ...m, ts: m.ts }, file };
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) break;
    }
    return null;
  }

  /** @mention in a thread without a file: the newest file in the thread (root included). */
  async newestInThread(channel: string, rootTs: string): Promise<FoundImage | null> {
    const res = await this.client.conversations.replies({ channel, ts: rootTs, limit: 200 });
    const messages = ((res.messages ?? []) as SlackMessageLike[]).slice().reverse();
    for (const m of messages) {
      const file = pickFile(m);
      if (file && m.ts) return { message: { ...m, ts: m.ts }, file };
    }
    return null;
  }

  /** A link people can click to see which message was taken. */
  async permalink(channel: string, ts: string): Promise<string | undefined> {
    try {
      const res = await this.client.chat.getPermalink({ channel, message_ts: ts });
      return res.permalink;
    } catch {
      return undefined;
    }
  }
}
