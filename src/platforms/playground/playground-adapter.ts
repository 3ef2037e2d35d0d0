import type { PlatformAdapter, ResultView, StatusView } from "../../core/platform-adapter.js";
import { controlId, SUGGESTED_REACTIONS } from "../../core/rerun-action.js";
import type { MessageRef, Origin } from "../../core/types.js";
import type { ChannelStore } from "./channel-store.js";
import { BOT_AUTHOR } from "./playground-message.js";

/** The playground's one room and channel: every tab is a person in it. */
export const PLAYGROUND_WORKSPACE = "playground";
export const PLAYGROUND_CHANNEL = "general";

/**
 * The playground as a platform: status messages and results become messages in the channel store,
 * in the thread under the message that asked. Like the Discord and Slack adapters it only
 * translates; the wording, controls and reactions come from the core.
 */
export class PlaygroundAdapter implements PlatformAdapter {
  readonly platform = "playground" as const;

  constructor(private readonly store: ChannelStore) {}

  async postStatus(
    origin: Origin,
    view: StatusView,
  ): Promise<{ statusMessageId: string; threadId?: string }> {
    const root = origin.threadId ?? origin.messageId;
    const message = await this.store.post({
      threadId: root,
      author: BOT_AUTHOR,
      text: view.text,
      controls: statusControls(view),
    });
    // A status with nothing to hang under (no request message) starts its own thread.
    return { statusMessageId: message.id, threadId: root ?? message.id };
  }

  async updateStatus(origin: Origin, view: StatusView): Promise<void> {
    if (!origin.statusMessageId) {
      await this.postStatus(origin, view);
      return;
    }
    // Once the status message has become the result (postResult), late status news ("Done", a
    // progress event that lost the race) must not overwrite it.
    const updated = await this.store.update(origin.statusMessageId, (m) =>
      m.job ? null : { ...m, text: view.text, controls: statusControls(view) },
    );
    if (!updated) await this.postStatus(origin, view);
  }

  /**
   * One message per result: the job's status message becomes the result (a new message only when
   * the status message is gone), so the thread reads request, result, not request, "Done", result.
   */
  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    const threadId = origin.threadId ?? origin.messageId ?? origin.statusMessageId;
    const result = {
      text: view.caption,
      image: { sha: view.result.imageKey, name: `${view.job.jobId}.png` },
      controls: view.controls.map((c) => ({ id: c.id, label: c.label })),
      reactions: SUGGESTED_REACTIONS.unicode.map((emoji) => ({ emoji, users: [BOT_AUTHOR.id] })),
      job: {
        jobId: view.job.jobId,
        prompt: view.job.spec.prompt,
        strength: view.job.spec.strength,
        seed: view.job.spec.seed,
        isDemo: view.result.isDemo,
        model: view.result.modelName,
      },
    };
    const replaced = origin.statusMessageId
      ? await this.store.update(origin.statusMessageId, (m) => ({ ...m, ...result }))
      : null;
    // Keyed by the job: a delivery redone after a Redis failover finds its result, never posts two.
    const message =
      replaced ??
      (await this.store.post({ threadId, author: BOT_AUTHOR, ...result }, { key: `r${view.job.jobId}` }));
    // Same channel id the core links status messages under (thread first), so reactions find the job.
    const ref: MessageRef = {
      platform: "playground",
      channelId: threadId ?? origin.channelId,
      messageId: message.id,
    };
    await view.posted(ref);
    return ref;
  }
}

/** The channel id a message's reactions are looked up under: its thread, as for status messages. */
export function refChannelId(threadId: string | undefined): string {
  return threadId ?? PLAYGROUND_CHANNEL;
}

function statusControls(view: StatusView): { id: string; label: string }[] {
  return view.cancellable && view.jobId ? [{ id: controlId("cancel", view.jobId), label: "Cancel" }] : [];
}
