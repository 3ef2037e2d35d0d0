import type { Logger } from "../logger.js";
import type { ImageStore } from "../queue/image-store.js";
import type { JobRecords } from "../queue/job-records.js";
import type { DeliveryJob } from "../queue/job-schemas.js";
import type { KeyNames } from "../queue/queue-names.js";
import type { RedisLike } from "../queue/redis-connection.js";
import type { TeamRecords } from "../queue/team-records.js";
import { userJobSlots } from "./edit-service.js";
import { cancelledText, doneStatusText, failedText, resultCaption, WORKER_FAILED } from "./messages.js";
import type { PlatformAdapter } from "./platform-adapter.js";
import { controlId, RESULT_CONTROLS } from "./rerun-action.js";
import { postGrid } from "./team/post-grid.js";
import { postWithHistory } from "./team/post-with-history.js";
import type { Platform } from "./types.js";

/**
 * Hands an ended job to its platform: the result with its controls, or a plain sentence for a
 * failure or a cancel. Records which message holds the result, so reactions on it find the job.
 * Throwing makes the delivery queue retry later (a platform outage must not lose a result).
 */
export class DeliveryRouter {
  constructor(
    private readonly deps: {
      adapters: Map<Platform, PlatformAdapter>;
      images: ImageStore;
      records: JobRecords;
      redis: RedisLike;
      keys: KeyNames;
      logger: Logger;
      /** Team editing's records (grids, result messages, thread history); absent in older wiring. */
      team?: TeamRecords;
    },
  ) {}

  readonly handle = async (delivery: DeliveryJob): Promise<void> => {
    const { job } = delivery;
    const adapter = this.deps.adapters.get(job.origin.platform);
    if (!adapter) throw new Error(`no adapter for ${job.origin.platform} is running in this bot`);
    await this.deps.redis.srem(
      this.deps.keys.userJobs(job.origin.platform, job.origin.workspaceId, job.origin.userId),
      ...userJobSlots(job.jobId, job.strengths?.length ?? 1),
    );

    if (delivery.status === "done" && delivery.result?.tiles && this.deps.team) {
      // The tiles must be findable the moment the grid shows: people pick within a second.
      await this.deps.records.update(job.jobId, { status: "done", result: delivery.result });
      await postGrid(
        {
          adapter,
          images: this.deps.images,
          team: this.deps.team,
          records: this.deps.records,
          logger: this.deps.logger,
        },
        job,
        delivery.result,
      );
      await this.deps.records.update(job.jobId, { status: "done", result: delivery.result });
      await this.statusBestEffort(adapter, delivery, doneStatusText(delivery.result));
      return;
    }
    if (delivery.status === "done" && delivery.result && this.deps.team) {
      await this.postResult(job, delivery.result);
      await this.deps.records.update(job.jobId, { status: "done", result: delivery.result });
      await this.statusBestEffort(adapter, delivery, doneStatusText(delivery.result));
      return;
    }
    if (delivery.status === "done" && delivery.result) {
      const png = await this.deps.images.get(delivery.result.imageKey);
      if (!png) throw new Error(`result image ${delivery.result.imageKey} is missing from the store`);
      const ref = await adapter.postResult(job.origin, {
        job,
        result: delivery.result,
        png,
        caption: resultCaption(job.spec, delivery.result),
        controls: RESULT_CONTROLS.map((c) => ({ ...c, id: controlId(c.control, job.jobId) })),
        posted: (posted) => this.deps.records.linkMessage(posted, job.jobId),
      });
      await this.deps.records.linkMessage(ref, job.jobId);
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
   * A finished result with its caption (history line and link to its parent), controls and
   * reactions; also how a tile picked from a grid becomes a full result without a model call.
   */
  async postResult(job: DeliveryJob["job"], result: NonNullable<DeliveryJob["result"]>): Promise<void> {
    const adapter = this.deps.adapters.get(job.origin.platform);
    if (!adapter) throw new Error(`no adapter for ${job.origin.platform} is running in this bot`);
    const team = this.deps.team;
    if (!team) throw new Error("team records are not wired");
    const png = await this.deps.images.get(result.imageKey);
    if (!png) throw new Error(`result image ${result.imageKey} is missing from the store`);
    await postWithHistory({ adapter, team, logger: this.deps.logger }, job, {
      job,
      result,
      png,
      caption: resultCaption(job.spec, result),
      controls: RESULT_CONTROLS.map((c) => ({ ...c, id: controlId(c.control, job.jobId) })),
      posted: (posted) => this.deps.records.linkMessage(posted, job.jobId),
    });
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
