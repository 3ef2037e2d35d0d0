import { randomInt, randomUUID } from "node:crypto";
import { type Config, editSteps } from "../../config/index.js";
import type { Logger } from "../logger.js";
import type { CancelBus } from "../queue/cancel-bus.js";
import type { EditQueue } from "../queue/edit-queue.js";
import type { JobRecord, JobRecords } from "../queue/job-records.js";
import type { EditJob, EditSpec } from "../queue/job-schemas.js";
import type { KeyNames } from "../queue/queue-names.js";
import type { RedisLike } from "../queue/redis-connection.js";
import type { EditRequest } from "./edit-request.js";
import { type UserErrorCode, UserFacingError } from "./errors/user-facing-error.js";
import type { ImageIntake } from "./image-intake.js";
import {
  cancelledText,
  EMPTY_PROMPT,
  formatStrength,
  ODE_NEW_SEED,
  queuedText,
  submittedText,
} from "./messages.js";
import { mayCancel, mayRerun } from "./permissions.js";
import type { PlatformAdapter, StatusView } from "./platform-adapter.js";
import type { RateLimiter } from "./rate-limiter.js";
import { nextStrength, type RerunAction } from "./rerun-action.js";
import { charLength, clipText, isBlank, oneLine } from "./text-length.js";
import type { Actor, MessageRef, Origin, Platform } from "./types.js";

export type SubmitOutcome =
  | { ok: true; jobId: string; position: number | null }
  | { ok: false; error: UserFacingError };

export interface EditServiceDeps {
  config: Config;
  redis: RedisLike;
  keys: KeyNames;
  queue: EditQueue;
  records: JobRecords;
  intake: ImageIntake;
  cancelBus: CancelBus;
  rateLimiter: RateLimiter;
  adapters: Map<Platform, PlatformAdapter>;
  logger: Logger;
  /** Told of every request answered with a refusal (limits, bad input), for metrics; must not throw. */
  onRefused?: (code: UserErrorCode, platform: Platform) => void;
}

const USER_JOBS_TTL_SECONDS = 24 * 3600;

/**
 * The platform-neutral heart of the bot: every /edit, re-run, chained edit and cancel goes through
 * here, whichever platform it came from. It validates, applies limits and permissions, takes in the
 * image, enqueues, and keeps the status message in the thread truthful. Problems the person can act
 * on are answered in the thread in plain words and returned, never thrown at the adapter.
 */
export class EditService {
  constructor(private readonly d: EditServiceDeps) {}

  /** A fresh /edit (or an @mention, a shortcut, the playground). */
  async submit(req: EditRequest): Promise<SubmitOutcome> {
    return this.run(req.origin, async (origin) => {
      const spec = this.specFor(req);
      await this.admit(origin);
      await this.status(origin, { text: "📥 Fetching the image…", cancellable: false });
      const imageKey = await this.d.intake.take(req.image);
      return this.enqueue({ origin, imageKey, spec, kind: "new" });
    });
  }

  /** A reaction on a result: the message names the job. */
  async rerunFromMessage(ref: MessageRef, action: RerunAction, actor: Actor): Promise<SubmitOutcome | null> {
    const record = await this.d.records.findByMessage(ref);
    if (!record) return null;
    return this.rerun(record, action, actor);
  }

  /** A button: its id names the job. */
  async rerunJob(jobId: string, action: RerunAction, actor: Actor): Promise<SubmitOutcome> {
    const record = await this.d.records.get(jobId);
    if (!record) return { ok: false, error: expired() };
    const outcome = await this.rerun(record, action, actor);
    return outcome ?? { ok: false, error: expired() };
  }

  /** "Edit again": the result itself becomes the input, with a new prompt. */
  async editAgain(
    jobId: string,
    prompt: string,
    strength: number | undefined,
    actor: Actor,
  ): Promise<SubmitOutcome> {
    const record = await this.d.records.get(jobId);
    if (!record) return { ok: false, error: expired() };
    if (!record.result) {
      return {
        ok: false,
        error: new UserFacingError("nothing_to_do", "That edit has no finished picture to edit yet."),
      };
    }
    const origin = this.rerunOrigin(record.job.origin, actor);
    if (!mayRerun(this.d.config.rerunPolicy, actor, record.job))
      return this.deny(origin, "edit this result again");
    const resultKey = record.result.imageKey;
    return this.run(origin, async (o) => {
      const spec = this.specFor({ origin: o, image: { kind: "stored", key: resultKey }, prompt, strength });
      spec.steps = record.job.spec.steps;
      spec.sampler = record.job.spec.sampler;
      spec.solver = record.job.spec.solver;
      spec.inversionSteps = record.job.spec.inversionSteps;
      await this.admit(o);
      const imageKey = await this.d.intake.take({ kind: "stored", key: resultKey });
      return this.enqueue({ origin: o, imageKey, spec, kind: "chain", parentJobId: record.job.jobId });
    });
  }

  /** Cancel by job id (a button, /edit-cancel, ✖ on the status message). */
  async cancel(jobId: string, actor: Actor): Promise<{ ok: boolean; message: string }> {
    const record = await this.d.records.get(jobId);
    if (!record) return { ok: false, message: expired().userMessage };
    if (!mayCancel(actor, record.job)) {
      return {
        ok: false,
        message: "Only the person who asked for this edit (or a moderator) can cancel it.",
      };
    }
    if (record.status === "done" || record.status === "failed" || record.status === "cancelled") {
      return {
        ok: false,
        message: `That edit has already ${record.status === "done" ? "finished" : record.status}.`,
      };
    }
    const who = actor.userName ?? "the requester";
    if (await this.d.queue.removeIfWaiting(jobId)) {
      await this.d.records.update(jobId, { status: "cancelled" });
      await this.forgetUserJob(record.job.origin, jobId);
      await this.status(record.job.origin, { jobId, text: cancelledText(who), cancellable: false });
      return { ok: true, message: "Cancelled before it started." };
    }
    await this.d.cancelBus.cancel(jobId);
    return { ok: true, message: "Cancelling: the worker stops at its next step." };
  }

  /** Cancel from a message (✖ on the status or result message). */
  async cancelFromMessage(ref: MessageRef, actor: Actor): Promise<{ ok: boolean; message: string } | null> {
    const record = await this.d.records.findByMessage(ref);
    return record ? this.cancel(record.job.jobId, actor) : null;
  }

  /** /edit-queue: how long the queue is and where the caller's own jobs stand. */
  async queueSummary(actor: Actor): Promise<string> {
    const counts = await this.d.queue.counts();
    const waiting = await this.d.queue.waitingIds();
    const mine = await this.d.redis.smembers(
      this.d.keys.userJobs(actor.platform, actor.workspaceId, actor.userId),
    );
    const lines = [
      `${counts.active} running, ${counts.waiting} waiting${counts.delayed ? `, ${counts.delayed} retrying` : ""}.`,
    ];
    for (const jobId of mine) {
      const record = await this.d.records.get(jobId);
      if (!record) continue;
      const index = waiting.indexOf(jobId);
      const where =
        index >= 0 ? `position ${index + 1}` : record.status === "running" ? "running now" : record.status;
      lines.push(
        `• ${jobId}: "${clipText(oneLine(record.job.spec.prompt), 60)}" at strength ${formatStrength(record.job.spec.strength)}: ${where}`,
      );
    }
    if (lines.length === 1) lines.push("You have no edits in the queue.");
    return lines.join("\n");
  }

  /** The caller's queued or running jobs, newest first (for "/edit-cancel" without a job id). */
  async openJobsOf(actor: Actor): Promise<string[]> {
    const ids = await this.d.redis.smembers(
      this.d.keys.userJobs(actor.platform, actor.workspaceId, actor.userId),
    );
    const open: { jobId: string; at: number }[] = [];
    for (const jobId of ids) {
      const record = await this.d.records.get(jobId);
      if (record && (record.status === "queued" || record.status === "running"))
        open.push({ jobId, at: record.job.requestedAt });
    }
    return open.sort((a, b) => b.at - a.at).map((j) => j.jobId);
  }

  async findRecord(jobId: string): Promise<JobRecord | null> {
    return this.d.records.get(jobId);
  }

  async findRecordByMessage(ref: MessageRef): Promise<JobRecord | null> {
    return this.d.records.findByMessage(ref);
  }

  private async rerun(record: JobRecord, action: RerunAction, actor: Actor): Promise<SubmitOutcome | null> {
    if (action.kind === "cancel") {
      const r = await this.cancel(record.job.jobId, actor);
      return r.ok
        ? { ok: true, jobId: record.job.jobId, position: null }
        : { ok: false, error: new UserFacingError("not_allowed", r.message) };
    }
    const origin = this.rerunOrigin(record.job.origin, actor);
    if (!mayRerun(this.d.config.rerunPolicy, actor, record.job)) return this.deny(origin, "re-run this edit");
    const prev = record.job.spec;
    const spec: EditSpec = { ...prev };
    if (action.kind === "new-seed") {
      if (prev.sampler === "ode")
        return this.tell(origin, new UserFacingError("nothing_to_do", ODE_NEW_SEED));
      spec.seed = newSeed(prev.seed);
    } else {
      const strength = nextStrength(prev.strength, action);
      if (strength === null) {
        const end = action.kind === "weaker" ? "weakest (0.0)" : "strongest (1.0)";
        return this.tell(
          origin,
          new UserFacingError("nothing_to_do", `This edit is already at the ${end} strength.`),
        );
      }
      spec.strength = strength;
    }
    return this.run(origin, async (o) => {
      await this.admit(o);
      const imageKey = await this.d.intake.take({ kind: "stored", key: record.job.imageKey });
      return this.enqueue({ origin: o, imageKey, spec, kind: "rerun", parentJobId: record.job.jobId });
    });
  }

  /** A re-run answers in the same thread, for the person who asked for it, with a new status message. */
  private rerunOrigin(parent: Origin, actor: Actor): Origin {
    return {
      ...parent,
      statusMessageId: undefined,
      userId: actor.userId,
      userName: actor.userName,
    };
  }

  private specFor(req: EditRequest): EditSpec {
    const dflt = this.d.config.defaults;
    const prompt = req.prompt.trim();
    if (isBlank(prompt)) throw new UserFacingError("prompt_empty", EMPTY_PROMPT);
    const max = this.d.config.limits.maxPromptChars;
    // Characters as the platforms count them (an emoji is one), not UTF-16 units.
    const length = charLength(prompt);
    if (length > max) {
      throw new UserFacingError(
        "prompt_too_long",
        `That prompt is ${length} characters long; the limit is ${max}.`,
      );
    }
    const strength = req.strength ?? dflt.strength;
    if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
      throw new UserFacingError(
        "bad_strength",
        "Strength is a number from 0 (keep the picture) to 1 (follow the prompt), e.g. 0.6.",
      );
    }
    const seed = req.seed ?? randomInt(0, 2 ** 31 - 1);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
      throw new UserFacingError("bad_seed", "The seed is a whole number from 0 to 2147483647.");
    }
    const sampler = req.sampler ?? dflt.sampler;
    const solver = req.solver ?? dflt.solver;
    const steps = editSteps(dflt, { sampler, solver, steps: req.steps, inversionSteps: req.inversionSteps });
    return {
      prompt,
      strength: Math.round(strength * 100) / 100,
      seed,
      ...steps,
      sampler,
      solver,
      gamma: dflt.gamma,
      eta: dflt.eta,
      guidance: dflt.guidance,
      inversionSeed: dflt.inversionSeed,
    };
  }

  /** Limits, each with its own sentence: the global cap, the per-user queue, then the rate. */
  private async admit(origin: Origin): Promise<void> {
    const { limits } = this.d.config;
    const counts = await this.d.queue.counts();
    if (counts.waiting + counts.delayed >= limits.maxQueueLength) {
      throw new UserFacingError(
        "queue_full",
        `The queue is full right now (${edits(limits.maxQueueLength)} waiting). Try again in a few minutes.`,
      );
    }
    const userKey = this.d.keys.userJobs(origin.platform, origin.workspaceId, origin.userId);
    const queued = await this.d.redis.scard(userKey);
    if (queued >= limits.maxQueuedPerUser) {
      throw new UserFacingError(
        "too_many_queued",
        `You already have ${edits(queued)} waiting (the limit is ${limits.maxQueuedPerUser}). Wait for one to finish, or cancel one with /edit-cancel.`,
      );
    }
    const rate = await this.d.rateLimiter.take(
      this.d.keys.rateBucket(origin.platform, origin.workspaceId, origin.userId),
    );
    if (!rate.allowed) {
      const s = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
      throw new UserFacingError(
        "rate_limited",
        `You're editing faster than this bot allows. Try again in ${s} s.`,
      );
    }
  }

  private async enqueue(p: {
    origin: Origin;
    imageKey: string;
    spec: EditSpec;
    kind: EditJob["kind"];
    parentJobId?: string;
  }): Promise<{ jobId: string; position: number | null }> {
    const jobId = newJobId();
    const job: EditJob = {
      v: 1,
      jobId,
      kind: p.kind,
      origin: p.origin,
      imageKey: p.imageKey,
      spec: p.spec,
      parentJobId: p.parentJobId,
      requestedAt: Date.now(),
    };
    await this.d.records.save(job);
    const userKey = this.d.keys.userJobs(p.origin.platform, p.origin.workspaceId, p.origin.userId);
    await this.d.redis.multi().sadd(userKey, jobId).expire(userKey, USER_JOBS_TTL_SECONDS).exec();
    if (p.origin.statusMessageId) {
      await this.d.records.linkMessage(
        {
          platform: p.origin.platform,
          channelId:
            this.adapter(p.origin).messageChannelId?.(p.origin) ?? p.origin.threadId ?? p.origin.channelId,
          messageId: p.origin.statusMessageId,
        },
        jobId,
      );
    }
    await this.d.queue.add(job);
    const position = await this.d.queue.position(jobId);
    this.d.logger.info({ jobId, kind: p.kind, platform: p.origin.platform, position }, "edit queued");
    const head = submittedText(p.spec, p.kind, p.kind === "new" ? undefined : p.origin.userName);
    await this.status(p.origin, { jobId, text: `${head}\n${queuedText(position)}`, cancellable: true });
    return { jobId, position };
  }

  /**
   * Runs one request with its status message: opens one when the adapter has not, and turns any
   * UserFacingError into a plain sentence there. Unexpected errors are logged and answered too.
   */
  private async run(
    origin: Origin,
    body: (origin: Origin) => Promise<{ jobId: string; position: number | null }>,
  ): Promise<SubmitOutcome> {
    const o = { ...origin };
    try {
      if (!o.statusMessageId) {
        const posted = await this.adapter(o).postStatus(o, { text: "⏳ Working on it…", cancellable: false });
        o.statusMessageId = posted.statusMessageId;
        if (posted.threadId) o.threadId = posted.threadId;
      }
      const { jobId, position } = await body(o);
      return { ok: true, jobId, position };
    } catch (err) {
      const error =
        err instanceof UserFacingError
          ? err
          : new UserFacingError(
              "unavailable",
              "Something went wrong on my side while queueing this edit. Try again in a moment.",
              {
                cause: err,
              },
            );
      if (!(err instanceof UserFacingError))
        this.d.logger.error({ err, platform: o.platform }, "submit failed");
      else this.d.logger.info({ code: error.code, platform: o.platform }, "request refused");
      this.d.onRefused?.(error.code, o.platform);
      return this.tell(o, error);
    }
  }

  private async tell(origin: Origin, error: UserFacingError): Promise<SubmitOutcome> {
    await this.status(origin, { text: `⚠️ ${error.userMessage}`, cancellable: false });
    return { ok: false, error };
  }

  private deny(origin: Origin, what: string): Promise<SubmitOutcome> {
    return this.tell(
      origin,
      new UserFacingError("not_allowed", `Only the person who asked for this edit can ${what} here.`),
    );
  }

  /** Best effort: a status message that cannot be written must not lose the job. */
  private async status(origin: Origin, view: StatusView): Promise<void> {
    try {
      if (origin.statusMessageId) await this.adapter(origin).updateStatus(origin, view);
      else {
        const posted = await this.adapter(origin).postStatus(origin, view);
        origin.statusMessageId = posted.statusMessageId;
        if (posted.threadId) origin.threadId = posted.threadId;
      }
    } catch (err) {
      this.d.logger.warn({ err, platform: origin.platform }, "could not write the status message");
    }
  }

  private adapter(origin: Origin): PlatformAdapter {
    const a = this.d.adapters.get(origin.platform);
    if (!a) throw new Error(`no adapter for platform ${origin.platform}`);
    return a;
  }

  private async forgetUserJob(origin: Origin, jobId: string): Promise<void> {
    await this.d.redis.srem(this.d.keys.userJobs(origin.platform, origin.workspaceId, origin.userId), jobId);
  }
}

function expired(): UserFacingError {
  return new UserFacingError(
    "not_found",
    "I can't find that edit any more (it may have expired). Start a new one with /edit.",
  );
}

function edits(n: number): string {
  return n === 1 ? "1 edit" : `${n} edits`;
}

function newSeed(previous: number): number {
  let s = randomInt(0, 2 ** 31 - 1);
  while (s === previous) s = randomInt(0, 2 ** 31 - 1);
  return s;
}

/**
 * Short, URL- and custom-id-safe job ids. The letter in front matters: BullMQ refuses custom ids
 * that parse as integers, and 16 random hex digits are all decimal about once in a thousand jobs.
 */
export function newJobId(): string {
  return `j${randomUUID().replace(/-/g, "").slice(0, 15)}`;
}
