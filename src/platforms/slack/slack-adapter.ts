import { setTimeout as sleep } from "node:timers/promises";
import type { webApi } from "@slack/bolt";
import { resultNotSharedText } from "../../core/messages.js";
import type { PlatformAdapter, ResultView, StatusView } from "../../core/platform-adapter.js";
import { SUGGESTED_REACTIONS } from "../../core/rerun-action.js";
import { clipText, oneLine } from "../../core/text-length.js";
import type { MessageRef, Origin } from "../../core/types.js";
import type { Logger } from "../../logger.js";
import { resultBlocks, resultControlsText, statusBlocks } from "./slack-blocks.js";
import { SLACK_LIMITS } from "./slack-limits.js";
import { slackText } from "./slack-text.js";

type WebClient = webApi.WebClient;

interface FileShare {
  ts: string;
  thread_ts?: string;
}

export interface SlackAdapterOptions {
  /** How long to wait for Slack to share an upload into the thread (it does so asynchronously). */
  shareWaitMs?: number;
  /** Timeout of the upload of the picture's bytes to Slack's upload URL. */
  uploadTimeoutMs?: number;
}

const SHARE_POLL_FIRST_MS = 250;
const SHARE_POLL_MAX_MS = 1000;

/**
 * Core views onto Slack messages: the status message is a threaded reply edited with chat.update;
 * the result is a file uploaded into the thread whose message carries the caption and buttons.
 * Every core sentence is escaped by Slack's rule (slack-text.ts) before it goes out.
 */
export class SlackAdapter implements PlatformAdapter {
  readonly platform = "slack" as const;
  private readonly shareWaitMs: number;
  private readonly uploadTimeoutMs: number;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    options: SlackAdapterOptions = {},
  ) {
    this.shareWaitMs = options.shareWaitMs ?? 20_000;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 120_000;
  }

  /** Slack names every message by its channel and ts, threads included. */
  messageChannelId(origin: Origin): string {
    return origin.channelId;
  }

  async postStatus(
    origin: Origin,
    view: StatusView,
  ): Promise<{ statusMessageId: string; threadId?: string }> {
    const threadTs = origin.threadId ?? origin.messageId;
    const res = await this.client.chat.postMessage({
      channel: origin.channelId,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: slackText(view.text),
      blocks: statusBlocks(view),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!res.ts) throw new Error("chat.postMessage returned no ts");
    return { statusMessageId: res.ts, threadId: threadTs ?? res.ts };
  }

  async updateStatus(origin: Origin, view: StatusView): Promise<void> {
    if (!origin.statusMessageId) {
      await this.postStatus(origin, view);
      return;
    }
    await this.client.chat.update({
      channel: origin.channelId,
      ts: origin.statusMessageId,
      text: slackText(view.text),
      blocks: statusBlocks(view),
    });
  }

  /**
   * The picture goes up with its caption as the file's comment; the buttons follow in a message of
   * their own, since a file share carries no interactive blocks. Reactions go on the picture. When
   * Slack never shows the share, the person is told so in the thread, with the file's link, and
   * that message stands in for the picture (reactions on it still re-run the edit).
   */
  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    const channel = origin.channelId;
    const threadTs = origin.threadId ?? origin.messageId;
    const file = await this.upload(channel, threadTs, view);
    let ts = await this.shareTs(channel, threadTs, file.id);
    if (!ts) {
      this.logger.warn(
        { fileId: file.id, channel, jobId: view.job.jobId },
        "result uploaded, but Slack never shared it into the thread; telling the person",
      );
      ts = await this.postNotice(channel, threadTs, resultNotSharedText(file.permalink));
    }
    const ref: MessageRef = { platform: "slack", channelId: channel, messageId: ts };
    await view.posted(ref);
    await this.addSuggestedReactions(channel, ts);
    await this.postControls(channel, threadTs ?? ts, view);
    return ref;
  }

  /**
   * files.uploadV2's three documented steps, done here rather than by the SDK: @slack/web-api 8.x
   * passes the alt text to files.getUploadURLExternal as `alt_text`, but the method's documented
   * argument is `alt_txt` (max 1000 characters, error alt_txt_too_large), so Slack ignores the
   * SDK's. Same steps otherwise: ask for an upload URL, POST the bytes there, complete the upload
   * into the thread with the caption as its comment.
   */
  private async upload(
    channel: string,
    threadTs: string | undefined,
    view: ResultView,
  ): Promise<{ id: string; permalink?: string }> {
    const filename = `rf-edit-${view.job.jobId}.png`;
    const prompt = oneLine(view.job.spec.prompt);
    const target = (await this.client.files.getUploadURLExternal({
      filename,
      length: view.png.byteLength,
      alt_txt: clipText(`Edited image: ${prompt}`, SLACK_LIMITS.altText),
    } as webApi.FilesGetUploadURLExternalArguments)) as { upload_url?: string; file_id?: string };
    if (!target.upload_url || !target.file_id)
      throw new Error("files.getUploadURLExternal returned no upload URL");
    const res = await fetch(target.upload_url, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: view.png,
      signal: AbortSignal.timeout(this.uploadTimeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status !== 200) throw new Error(`uploading the result to Slack answered HTTP ${res.status}`);
    const done = (await this.client.files.completeUploadExternal({
      files: [{ id: target.file_id, title: clipText(prompt, SLACK_LIMITS.fileTitle) }],
      channel_id: channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      initial_comment: slackText(view.caption),
    })) as { files?: { id?: string; permalink?: string }[] };
    const file = done.files?.find((f) => f.id === target.file_id) ?? done.files?.[0];
    return { id: target.file_id, permalink: file?.permalink };
  }

  /** A lost controls message must not re-post the picture: the reactions still work. */
  private async postControls(channel: string, threadTs: string, view: ResultView): Promise<void> {
    try {
      await this.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: slackText(resultControlsText(view)),
        blocks: resultBlocks(view),
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (err) {
      this.logger.warn({ err, jobId: view.job.jobId }, "result posted, but its buttons could not be");
    }
  }

  private async postNotice(channel: string, threadTs: string | undefined, text: string): Promise<string> {
    const res = await this.client.chat.postMessage({
      channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: slackText(text),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!res.ts) throw new Error("chat.postMessage returned no ts");
    return res.ts;
  }

  /**
   * A reaction names only the message, so the result's ref must be the message that carries the
   * file. Slack shares an upload asynchronously; files.info shows the share once it exists, and the
   * thread's replies are the fallback. Undefined when it never appears within `shareWaitMs`.
   */
  private async shareTs(
    channel: string,
    threadTs: string | undefined,
    fileId: string,
  ): Promise<string | undefined> {
    const deadline = Date.now() + this.shareWaitMs;
    let wait = SHARE_POLL_FIRST_MS;
    for (;;) {
      const fromInfo = await this.shareFromInfo(channel, threadTs, fileId);
      if (fromInfo) return fromInfo;
      if (threadTs) {
        const fromReplies = await this.shareFromReplies(channel, threadTs, fileId);
        if (fromReplies) return fromReplies;
      }
      if (Date.now() + wait > deadline) return undefined;
      await sleep(wait);
      wait = Math.min(SHARE_POLL_MAX_MS, Math.round(wait * 1.5));
    }
  }

  private async shareFromInfo(channel: string, threadTs: string | undefined, fileId: string) {
    try {
      const info = await this.client.files.info({ file: fileId });
      const shares = info.file?.shares as
        | { public?: Record<string, FileShare[]>; private?: Record<string, FileShare[]> }
        | undefined;
      const list = [...(shares?.public?.[channel] ?? []), ...(shares?.private?.[channel] ?? [])];
      const hit = list.find((s) => (threadTs ? s.thread_ts === threadTs : true));
      return hit?.ts;
    } catch (err) {
      this.logger.debug({ err, fileId }, "files.info failed while looking for the result message");
      return undefined;
    }
  }

  private async shareFromReplies(channel: string, threadTs: string, fileId: string) {
    try {
      const res = await this.client.conversations.replies({ channel, ts: threadTs, limit: 200 });
      const m = (res.messages ?? []).find((msg) => msg.files?.some((f) => f.id === fileId));
      return m?.ts;
    } catch (err) {
      this.logger.debug({ err, fileId }, "conversations.replies failed while looking for the result message");
      return undefined;
    }
  }

  /** Shows people which reactions re-run the result; a failure here must not lose the result. */
  private async addSuggestedReactions(channel: string, ts: string): Promise<void> {
    for (const name of SUGGESTED_REACTIONS.slack) {
      try {
        await this.client.reactions.add({ channel, timestamp: ts, name });
      } catch (err) {
        this.logger.debug({ err, name }, "could not add a suggested reaction");
      }
    }
  }
}
