import type { PlatformAdapter, ResultView, StatusView } from "../../src/core/platform-adapter.js";
import type { MessageRef, Origin, Platform } from "../../src/core/types.js";

export interface RecordedStatus {
  kind: "post" | "update";
  origin: Origin;
  view: StatusView;
}

/** A platform adapter that records what the core asks of it, for core and queue tests. */
export class RecordingAdapter implements PlatformAdapter {
  readonly statuses: RecordedStatus[] = [];
  readonly results: { origin: Origin; view: ResultView; ref: MessageRef }[] = [];
  private nextId = 1;
  private waiters: (() => void)[] = [];
  failNextResults = 0;

  constructor(readonly platform: Platform = "playground") {}

  async postStatus(origin: Origin, view: StatusView) {
    this.statuses.push({ kind: "post", origin, view });
    this.wake();
    return {
      statusMessageId: `status-${this.nextId++}`,
      threadId: origin.threadId ?? `thread-${this.nextId++}`,
    };
  }

  async updateStatus(origin: Origin, view: StatusView) {
    this.statuses.push({ kind: "update", origin, view });
    this.wake();
  }

  async postResult(origin: Origin, view: ResultView): Promise<MessageRef> {
    if (this.failNextResults > 0) {
      this.failNextResults--;
      throw new Error("platform is down");
    }
    const ref = {
      platform: this.platform,
      channelId: origin.threadId ?? origin.channelId,
      messageId: `result-${this.nextId++}`,
    };
    // As the real adapters do: the job is linked before anyone can react to the message.
    await view.posted(ref);
    this.results.push({ origin, view, ref });
    this.wake();
    return ref;
  }

  textsFor(statusMessageId: string): string[] {
    return this.statuses.filter((s) => s.origin.statusMessageId === statusMessageId).map((s) => s.view.text);
  }

  lastText(): string | undefined {
    return this.statuses.at(-1)?.view.text;
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `predicate` holds, re-checked after every recorded call. */
  async waitFor(predicate: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last status: ${this.lastText()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
