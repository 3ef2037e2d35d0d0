import { setTimeout as sleep } from "node:timers/promises";
import type { webApi } from "@slack/bolt";
import type { PlatformAdapter, ResultView, StatusView } from "../../core/platform-adapter.js";
import { SUGGESTED_REACTIONS } from "../../core/rerun-action.js";
import type { MessageRef, Origin } from "../../core/types.js";
import type { Logger } from "../../logger.js";
import { resultBlocks, resultControlsText, statusBlocks } from "./slack-blocks.js";

type WebClient = webApi.WebClient;

interface FileShare {
  ts: string;
  thread_ts?: string;
}

/** How long to wait for Slack to share an uploaded file into the thread (it does so asynchronously). */
const SHARE_POLL_MS = 250;
const SHARE_POLL_TRIES = 40;

/**
 * Core views onto Slack messages: the status message is a threaded reply edited with chat.update;
 * the result is a file uploaded into the thread whose message carries the caption and buttons.
 */
export class SlackAdapter implements PlatformAdapter {
  readonly platform = "slack" as const;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

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
      text: view.text,
      blocks: statusBlocks(view),
      unfurl_links: false,
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
      text: view.text,
      blocks: statusBlocks(view),
    });
  }

  /**
   * The picture goes up with its caption as the file's comment; the buttons follow in a message of
   * their own, since a file share carries no interactive blocks. Reactions go on the picture.
   */
  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    const channel = origin.channelId;
    const threadTs = origin.threadId ?? origin.messageId;
    const destination = threadTs ? { channel_id: channel, thread_ts: threadTs } : { channel_id: channel };
    const res = (await this.client.files.uploadV2({
      ...destination,
      file: view.png,
      filename: `rf-edit-${view.job.jobId}.png`,
      title: view.job.spec.prompt.slice(0, 200),
      alt_text: view.job.spec.prompt.slice(0, 1000),
      initial_comment: view.caption,
    })) as { files?: { files?: { id?: string }[] }[] };
    const fileId = res.files?.[0]?.files?.[0]?.id;
    if (!fileId) throw new Error("files.uploadV2 returned no file id");
    const ts = await this.shareTs(channel, threadTs, fileId);
    const ref: MessageRef = { platform: "slack", channelId: channel, messageId: ts };
    await view.posted(ref);
    await this.addSuggestedReactions(channel, ts);
    await this.postControls(channel, threadTs ?? ts, view);
    return ref;
  }

  /** A lost controls message must not re-post the picture: the reactions still work. */
  private async postControls(channel: string, threadTs: string, view: ResultView): Promise<void> {
    try {
      await this.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: resultControlsText(view),
        blocks: resultBlocks(view),
        unfurl_links: false,
      });
    } catch (err) {
      this.logger.warn({ err, jobId: view.job.jobId }, "result posted, but its buttons could not be");
    }
  }

  /**
   * A reaction names only the message, so the result's ref must be the message that carries the
   * file. Slack shares an upload asynchronously; files.info shows the share once it exists, and the
   * thread's replies are the fallback.
   */
  private async shareTs(channel: string, threadTs: string | undefined, fileId: string): Promise<string> {
    for (let i = 0; i < SHARE_POLL_TRIES; i++) {
      const fromInfo = await this.shareFromInfo(channel, threadTs, fileId);
      if (fromInfo) return fromInfo;
      if (threadTs) {
        const fromReplies = await this.shareFromReplies(channel, threadTs, fileId);
        if (fromReplies) return fromReplies;
      }
      await sleep(SHARE_POLL_MS);
    }
    // Throwing would make the delivery retry and post the picture twice; the buttons still work.
    this.logger.warn(
      { fileId, channel },
      "result uploaded, but its message was not found: reactions on it will be ignored",
    );
    return fileId;
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
