import type { EditJob, EditResultData } from "../queue/job-schemas.js";
import type { ControlName } from "./rerun-action.js";
import type { MessageRef, Origin, Platform } from "./types.js";

/** The status message of a job: text, and whether a Cancel control belongs under it. */
export interface StatusView {
  jobId?: string;
  text: string;
  cancellable: boolean;
}

export interface ResultView {
  job: EditJob;
  result: EditResultData;
  png: Buffer;
  caption: string;
  controls: { control: ControlName; label: string; id: string }[];
  /**
   * Adapters call this as soon as the result message exists, before anything slower (reactions,
   * buttons): people react within moments, and the reaction must find the job.
   */
  posted(ref: MessageRef): Promise<void>;
  /**
   * The reactions the bot adds under this message; absent: SUGGESTED_REACTIONS (a result). A
   * Try-strengths grid suggests 1️⃣-4️⃣, a comparison none.
   */
  reactions?: { unicode: string[]; slack: string[] };
  /** What the picture is: a result (the default), a Try-strengths grid, or a before/after comparison. */
  kind?: "result" | "grid" | "compare";
}

/**
 * What the platform-neutral core needs from Discord, Slack or the playground. Adapters only
 * translate; every rule (limits, permissions, strength steps, wording) lives in the core.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** Posts a new status message in the job's thread (opening one if needed); returns its id. */
  postStatus(origin: Origin, view: StatusView): Promise<{ statusMessageId: string; threadId?: string }>;
  /** Edits the status message named by `origin.statusMessageId` (or posts one if it has none). */
  updateStatus(origin: Origin, view: StatusView): Promise<void>;
  /**
   * The channel id under which messages in this origin's thread are named by reactions. Default:
   * the thread (a channel of its own on Discord); Slack names them by the parent channel.
   */
  messageChannelId?(origin: Origin): string;
  /** Posts the result image with its caption and controls in the thread; returns where it went. */
  postResult(origin: Origin, view: ResultView): Promise<MessageRef>;
  /**
   * A link people can click to jump to a message (Discord message link, Slack permalink, playground
   * anchor), for the history in captions; undefined when the platform cannot give one now.
   */
  messageLink?(ref: MessageRef, origin: Origin): Promise<string | undefined>;
}
