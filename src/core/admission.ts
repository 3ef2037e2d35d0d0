import type { Config } from "../../config/index.js";
import type { EditJob } from "../queue/job-schemas.js";
import type { JobSlots } from "../queue/job-slots.js";
import { UserFacingError } from "./errors/user-facing-error.js";
import {
  CANCEL_NOT_ALLOWED,
  notAllowedText,
  OTHER_WORKSPACE,
  queueFullText,
  rateLimitedText,
  tooManyQueuedText,
} from "./messages.js";
import { mayCancel, mayRerun, sameWorkspace } from "./permissions.js";
import type { Actor, Origin } from "./types.js";

/**
 * Who may start, re-run or cancel what, and how much: the limits (global queue, per person, rate)
 * are taken in one atomic step before any download, and given back when the intake fails. Every
 * refusal is a UserFacingError with its sentence from messages.ts.
 */
export class Admission {
  constructor(
    private readonly slots: JobSlots,
    private readonly rerunPolicy: Config["rerunPolicy"],
  ) {}

  /** Reserves the slots of `jobId` for the person in `origin`, or throws the refusal. */
  async admit(origin: Origin, jobId: string): Promise<void> {
    const r = await this.slots.reserve(
      { platform: origin.platform, workspaceId: origin.workspaceId, userId: origin.userId },
      jobId,
      origin,
    );
    if (r.ok) return;
    switch (r.reason) {
      case "queue_full":
        throw new UserFacingError("queue_full", queueFullText(r.limit));
      case "too_many_queued":
        throw new UserFacingError("too_many_queued", tooManyQueuedText(r.held, r.limit));
      case "rate_limited":
        throw new UserFacingError("rate_limited", rateLimitedText(r.retryAfterMs));
    }
  }

  /** The job is queued: it now waits in the queue proper. */
  async queued(jobId: string): Promise<void> {
    await this.slots.queued(jobId);
  }

  /**
   * The intake of an admitted job failed: its slots go back. The rate token goes back only when the
   * failure was ours (storage, an outage), so a flood of bad uploads is still rate-limited.
   */
  async abandon(jobId: string, ourFault: boolean): Promise<void> {
    await this.slots.release(jobId, { refundRate: ourFault });
  }

  /** Throws the refusal when `actor` may not cancel `job`. */
  checkCancel(actor: Actor, job: EditJob): void {
    if (mayCancel(actor, job)) return;
    throw new UserFacingError(
      "not_allowed",
      !actor.isBot && !sameWorkspace(actor, job) ? OTHER_WORKSPACE : CANCEL_NOT_ALLOWED,
    );
  }

  /** Throws the refusal when `actor` may not re-run `job` (or edit its result again). */
  checkRerun(actor: Actor, job: EditJob, what: "re-run" | "edit-again"): void {
    if (mayRerun(this.rerunPolicy, actor, job)) return;
    throw new UserFacingError(
      "not_allowed",
      !actor.isBot && !sameWorkspace(actor, job) ? OTHER_WORKSPACE : notAllowedText(what),
    );
  }
}
