import { randomInt, randomUUID } from "node:crypto";
import { type Config, editSteps } from "../../config/index.js";
import type { Logger } from "../logger.js";
import type { CancelBus } from "../queue/cancel-bus.js";
import type { EditQueue } from "../queue/edit-queue.js";
import { isRedisUnavailable } from "../queue/errors/redis-unavailable.js";
import type { JobRecord, JobRecords } from "../queue/job-records.js";
import type { EditJob, EditSpec } from "../queue/job-schemas.js";
import type { JobSlots } from "../queue/job-slots.js";
import { FAILOVER_RIDE_OUT_MS } from "../queue/redis-connection.js";
import { isStorageFull } from "../queue/redis-errors.js";
import type { ReplicaAck } from "../queue/replica-ack.js";
import { QUEUED_RANK, type StatusRanks } from "../queue/status-ranks.js";
import type { Admission } from "./admission.js";
import type { EditRequest } from "./edit-request.js";
import { type UserErrorCode, UserFacingError } from "./errors/user-facing-error.js";
import type { ImageIntake } from "./image-intake.js";
import {
  alreadyEndedText,
  CANCELLED_BEFORE_START,
  CANCELLED_WORKER_GONE,
  CANCELLING,
  cancelledText,
  EMPTY_PROMPT,
  ENDED_UNNOTICED,
  formatStrength,
  NO_WORKER_ONLINE,
  ODE_NEW_SEED,
  QUEUE_UNAVAILABLE,
  queuedText,
  STORAGE_FULL,
  STORE_BUSY,
  submittedText,
} from "./messages.js";
import type { PlatformAdapter, StatusView } from "./platform-adapter.js";
import { currentGate, DeadlineError, withDeadline } from "./request-deadline.js";
import { nextStrength, type RerunAction } from "./rerun-action.js";
import { charLength, clipText, isBlank, oneLine } from "./text-length.js";
import type { Actor, MessageRef, Origin, Platform } from "./types.js";

export type SubmitOutcome =
  | { ok: true; jobId: string; position: number | null }
  | { ok: false; error: UserFacingError };

export interface EditServiceDeps {
  config: Config;
  queue: EditQueue;
  records: JobRecords;
  intake: ImageIntake;
  cancelBus: CancelBus;
  admission: Admission;
  /** The per-person sets of open jobs (admitted, not yet ended). */
  slots: JobSlots;
  /**
   * Makes a job that ended without a word in its thread say how it ended (and frees its slots);
   * true when it did. Cancel uses it for jobs that no longer run.
   */
  repairEnded?: (jobId: string) => Promise<boolean>;
  /** True while no GPU worker has been online for the configured wait. */
  noWorkerOnline?: () => boolean;
  adapters: Map<Platform, PlatformAdapter>;
  logger: Logger;
  /** Told of every request answered with a refusal (limits, bad input), for metrics; must not throw. */
  onRefused?: (code: UserErrorCode, platform: Platform) => void;
  /** Confirms the writes of a queued edit on a replica before "queued" is said (docs/operations.md). */
  durability?: ReplicaAck;
  /** Status progress shared by every bot: "queued" is not written over a job that already started. */
  ranks?: StatusRanks;
  /** How long a request may wait out a Redis failover before it is answered "busy" (ms). */
  requestDeadlineMs?: number;
}

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
      return this.admitted(origin, async (jobId) => {
        await this.status(origin, { text: "📥 Fetching the image…", cancellable: false });
        const imageKey = await this.d.intake.take(req.image);
        return this.enqueue({ jobId, origin, imageKey, spec, kind: "new" });
      });
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
    const refused = this.refusal(() => this.d.admission.checkRerun(actor, record.job, "edit-again"));
    if (refused) return this.tell(origin, refused);
    const resultKey = record.result.imageKey;
    return this.run(origin, async (o) => {
      const spec = this.specFor({ origin: o, image: { kind: "stored", key: resultKey }, prompt, strength });
      spec.steps = record.job.spec.steps;
      spec.sampler = record.job.spec.sampler;
      spec.solver = record.job.spec.solver;
      spec.inversionSteps = record.job.spec.inversionSteps;
      return this.admitted(o, async (jobId) => {
        const imageKey = await this.d.intake.take({ kind: "stored", key: resultKey });
        return this.enqueue({
          jobId,
          origin: o,
          imageKey,
          spec,
          kind: "chain",
          parentJobId: record.job.jobId,
        });
      });
    });
  }

  /** Cancel by job id (a button, /edit-cancel, ✖ on the status message). */
  async cancel(jobId: string, actor: Actor): Promise<{ ok: boolean; message: string }> {
    try {
      return await this.cancelJob(jobId, actor);
    } catch (err) {
      const storageFull = isStorageFull(err);
      this.d.logger[storageFull ? "warn" : "error"]({ err, jobId }, "cancel failed");
      return { ok: false, message: storageFull ? STORAGE_FULL : QUEUE_UNAVAILABLE };
    }
  }

  private async cancelJob(jobId: string, actor: Actor): Promise<{ ok: boolean; message: string }> {
    const record = await this.d.records.get(jobId);
    if (!record) return { ok: false, message: expired().userMessage };
    const refused = this.refusal(() => this.d.admission.checkCancel(actor, record.job));
    if (refused) return { ok: false, message: refused.userMessage };
    if (record.status === "done" || record.status === "failed" || record.status === "cancelled") {
      return { ok: false, message: alreadyEndedText(record.status) };
    }
    const who = actor.userName ?? "the requester";
    const removed = await this.d.queue.removeIfNotRunning(jobId);
    if (removed) {
      await this.d.records.update(jobId, { status: "cancelled" });
      await this.d.slots.release(jobId);
      await this.status(record.job.origin, { jobId, text: cancelledText(who), cancellable: false });
      return { ok: true, message: removed === "waiting" ? CANCELLED_BEFORE_START : CANCELLED_WORKER_GONE };
    }
    // The record says it runs; BullMQ may know better (its end was never told, the job is gone).
    if (this.d.repairEnded && (await this.d.queue.hasEnded(jobId)) && (await this.d.repairEnded(jobId))) {
      return { ok: false, message: ENDED_UNNOTICED };
    }
    // A worker running it stops at its next step; one that takes it later drops it at once.
    await this.d.cancelBus.cancel(jobId);
    return { ok: true, message: CANCELLING };
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
    const mine = await this.d.slots.openJobsOf(actor);
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
    const ids = await this.d.slots.openJobsOf(actor);
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
    const refused = this.refusal(() => this.d.admission.checkRerun(actor, record.job, "re-run"));
    if (refused) return this.tell(origin, refused);
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
    return this.run(origin, (o) =>
      this.admitted(o, async (jobId) => {
        const imageKey = await this.d.intake.take({ kind: "stored", key: record.job.imageKey });
        return this.enqueue({
          jobId,
          origin: o,
          imageKey,
          spec,
          kind: "rerun",
          parentJobId: record.job.jobId,
        });
      }),
    );
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

  /**
   * Takes the job's slots (global queue, the person's own, a rate token) in one atomic step before
   * anything slow, then runs the intake and queueing in `body`; when that fails the slots go back.
   */
  private async admitted(
    origin: Origin,
    body: (jobId: string) => Promise<{ jobId: string; position: number | null }>,
  ): Promise<{ jobId: string; position: number | null }> {
    const jobId = newJobId();
    await this.d.admission.admit(origin, jobId);
    let out: { jobId: string; position: number | null };
    try {
      out = await body(jobId);
    } catch (err) {
      const theirs = err instanceof UserFacingError;
      await this.d.admission.abandon(jobId, !theirs).catch((e) => {
        // The sweep frees it later: an intake that never queued its job is over after a while.
        this.d.logger.warn({ err: e, jobId }, "could not give back the slots of a failed intake");
      });
      throw err;
    }
    await this.d.admission.queued(jobId).catch((err) => {
      this.d.logger.debug({ err, jobId }, "intake mark not cleared; the sweep clears it");
    });
    return out;
  }

  private async enqueue(p: {
    jobId: string;
    origin: Origin;
    imageKey: string;
    spec: EditSpec;
    kind: EditJob["kind"];
    parentJobId?: string;
  }): Promise<{ jobId: string; position: number | null }> {
    const jobId = p.jobId;
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
    // Every write here is idempotent (the job id is fixed): after a failover they are simply redone
    // on the new master until a replica has them, so "queued" is never said of an edit a failover
    // erases. The person's slot was taken by the admission script before the intake.
    const write = async () => {
      await this.d.records.save(job);
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
      if (currentGate()?.abandoned) throw new DeadlineError(0);
      await this.d.queue.add(job);
    };
    try {
      if (this.d.durability) await this.d.durability.confirm("the edit job", write);
      else await write();
    } catch (err) {
      await this.withdraw(jobId);
      throw err;
    }
    if (currentGate()?.abandoned) {
      // The person was already told "busy"; an edit they think was refused must not run.
      await this.withdraw(jobId);
      throw new DeadlineError(0);
    }
    const position = await this.d.queue.position(jobId);
    this.d.logger.info({ jobId, kind: p.kind, platform: p.origin.platform, position }, "edit queued");
    const head = submittedText(p.spec, p.kind, p.kind === "new" ? undefined : p.origin.userName);
    const waiting =
      position !== null && position > 0 && this.d.noWorkerOnline?.() ? ` ${NO_WORKER_ONLINE}` : "";
    if (await this.mayShowQueued(jobId, position))
      await this.status(p.origin, {
        jobId,
        text: `${head}\n${queuedText(position)}${waiting}`,
        cancellable: true,
      });
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
      const { jobId, position } = await withDeadline(
        this.d.requestDeadlineMs ?? FAILOVER_RIDE_OUT_MS + 5000,
        () => body(o),
      );
      return { ok: true, jobId, position };
    } catch (err) {
      const busy = err instanceof DeadlineError || isRedisUnavailable(err);
      const error =
        err instanceof UserFacingError
          ? err
          : busy
            ? new UserFacingError("redis_failover", STORE_BUSY, { cause: err })
            : isStorageFull(err)
              ? new UserFacingError("storage_full", STORAGE_FULL, { cause: err })
              : new UserFacingError("unavailable", QUEUE_UNAVAILABLE, { cause: err });
      if (error.code === "redis_failover")
        this.d.logger.warn(
          { platform: o.platform, reason: err instanceof Error ? err.message : String(err) },
          "request refused: Redis is failing over or unreachable",
        );
      else if (error.code === "unavailable")
        this.d.logger.error({ err, platform: o.platform }, "submit failed");
      else if (error.code === "storage_full")
        this.d.logger.warn({ platform: o.platform }, "Redis is full (maxmemory): refused an edit");
      else this.d.logger.info({ code: error.code, platform: o.platform }, "request refused");
      this.d.onRefused?.(error.code, o.platform);
      return this.tell(o, error);
    }
  }

  /**
   * False when a worker already reported progress on the job (its status has moved past "queued"):
   * the shared status rank says so, and, for a job a worker has taken (position 0), so does BullMQ's
   * own record of its progress, which outlives a rank that a failover rolled back.
   */
  private async mayShowQueued(jobId: string, position: number | null): Promise<boolean> {
    try {
      if (position === 0 && (await this.d.queue.hasProgress(jobId))) return false;
      return this.d.ranks ? await this.d.ranks.claim(jobId, QUEUED_RANK) : true;
    } catch {
      return true;
    }
  }

  private async tell(origin: Origin, error: UserFacingError): Promise<SubmitOutcome> {
    await this.status(origin, { text: `⚠️ ${error.userMessage}`, cancellable: false });
    return { ok: false, error };
  }

  /** The refusal a permission check throws, or null when it allows. */
  private refusal(check: () => void): UserFacingError | null {
    try {
      check();
      return null;
    } catch (err) {
      if (err instanceof UserFacingError) return err;
      throw err;
    }
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

  /**
   * Takes back an edit that could not be confirmed: removes it if it waits, flags it cancelled if a
   * worker has it already (the worker then answers "cancelled" in words), frees the person's slots.
   * Best effort: Redis may still be failing over, and every step is harmless if the job never existed.
   */
  private async withdraw(jobId: string): Promise<void> {
    try {
      await this.d.cancelBus.cancel(jobId);
      await this.d.queue.removeIfNotRunning(jobId);
      await this.d.records.update(jobId, { status: "cancelled" });
      await this.d.slots.release(jobId);
    } catch (err) {
      this.d.logger.warn(
        { jobId, reason: err instanceof Error ? err.message : String(err) },
        "could not withdraw an unconfirmed edit; it will end as cancelled if it runs",
      );
    }
  }
}

function expired(): UserFacingError {
  return new UserFacingError(
    "not_found",
    "I can't find that edit any more (it may have expired). Start a new one with /edit.",
  );
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
