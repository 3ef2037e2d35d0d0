import type { Logger } from "../logger.js";
import type { ImageStore } from "../queue/image-store.js";
import type { JobRecords } from "../queue/job-records.js";
import type { DeliveryJob } from "../queue/job-schemas.js";
import type { JobSlots } from "../queue/job-slots.js";
import type { KeyNames } from "../queue/queue-names.js";
import type { RedisLike } from "../queue/redis-connection.js";
import { cancelledText, doneStatusText, failedText, resultCaption, WORKER_FAILED } from "./messages.js";
import type { PlatformAdapter } from "./platform-adapter.js";
import { controlId, RESULT_CONTROLS } from "./rerun-action.js";
import type { MessageRef, Platform } from "./types.js";

const POSTING_MARK_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Hands an ended job to its platform: the result with its controls, or a plain sentence for a
 * failure or a cancel. Records which message holds the result, so reactions on it find the job.
 * Throwing makes the delivery queue retry later (a platform outage must not lose a result).
 * Whatever the outcome, the job's slots are freed first: the person is never held up by an ended job.
 */
export class DeliveryRouter {
  constructor(
    private readonly deps: {
      adapters: Map<Platform, PlatformAdapter>;
      images: ImageStore;
      records: JobRecords;
      redis: RedisLike;
      keys: KeyNames;
      slots: JobSlots;
      logger: Logger;
    },
  ) {}

  readonly handle = async (delivery: DeliveryJob): Promise<void> => {
    const { job } = delivery;
    const adapter = this.deps.adapters.get(job.origin.platform);
    if (!adapter) throw new Error(`no adapter for ${job.origin.platform} is running in this bot`);
    await this.deps.slots.release(job.jobId);

    if (delivery.status === "done" && delivery.result) {
      const result = delivery.result;
      await this.postOnce(delivery, (accepted) =>
        this.deps.images.get(result.imageKey).then((png) => {
          if (!png) throw new Error(`result image ${result.imageKey} is missing from the store`);
          return adapter.postResult(job.origin, {
            job,
            result,
            png,
            caption: resultCaption(job.spec, result),
            controls: RESULT_CONTROLS.map((c) => ({ ...c, id: controlId(c.control, job.jobId) })),
            posted: (posted) => {
              accepted();
              return this.deps.records.linkMessage(posted, job.jobId);
            },
          });
        }),
      );
      await this.deps.records.update(job.jobId, { status: "done", result: delivery.result });
      await this.statusBestEffort(adapter, delivery, doneStatusText(delivery.result));
      return;
    }
    if (delivery.status === "cancelled") {
      await this.deps.records.update(job.jobId, { status: "cancelled" });
      await adapter.updateStatus(job.origin, { jobId: job.jobId, text: cancelledText(), cancellable: false });
      return;
    }
    await this.deps.records.update(job.jobId, { status: "failed" });
    await adapter.updateStatus(job.origin, {
      jobId: job.jobId,
      text: failedText(delivery.error?.userMessage ?? WORKER_FAILED),
      cancellable: false,
    });
  };

  /**
   * Posts at most once, across retries: "posting" is written before the platform is asked and
   * "posted" after. A retry that finds either mark does not post again; it only finishes the rest
   * (record, status). So a Redis write that fails after the platform took the result (the attempt
   * throws and is retried) cannot post it twice. A platform that refused clears the mark, so the
   * retry posts. Links the new message to its job; returns it, or undefined when an earlier attempt
   * posted.
   */
  private async postOnce(
    delivery: DeliveryJob,
    post: (accepted: () => void) => Promise<MessageRef>,
  ): Promise<MessageRef | undefined> {
    const mark = this.deps.keys.posting(delivery.deliveryId);
    const earlier = await this.deps.redis.get(mark);
    if (earlier !== null) {
      this.deps.logger.warn(
        { jobId: delivery.job.jobId, mark: earlier },
        earlier === "posted"
          ? "result was posted by an earlier attempt; finishing without posting again"
          : "an earlier attempt may have posted this result; not posting it again",
      );
      return undefined;
    }
    await this.deps.redis.set(mark, "posting", "EX", POSTING_MARK_TTL_SECONDS);
    let taken = false;
    let ref: MessageRef;
    try {
      ref = await post(() => {
        taken = true;
      });
    } catch (err) {
      // Only when the platform did not take it may the retry post.
      if (!taken) await this.deps.redis.del(mark).catch(() => undefined);
      throw err;
    }
    // Reactions find the job by this link at once; a fault here is retried without a second post.
    await this.deps.records.linkMessage(ref, delivery.job.jobId);
    await this.deps.redis.set(mark, "posted", "EX", POSTING_MARK_TTL_SECONDS);
    return ref;
  }

  private async statusBestEffort(
    adapter: PlatformAdapter,
    delivery: DeliveryJob,
    text: string,
  ): Promise<void> {
    try {
      await adapter.updateStatus(delivery.job.origin, {
        jobId: delivery.job.jobId,
        text,
        cancellable: false,
      });
    } catch (err) {
      this.deps.logger.warn(
        { err, jobId: delivery.job.jobId },
        "result posted, but the status message could not be updated",
      );
    }
  }
}
