import type { Logger } from "../../logger.js";
import type { EditJob } from "../../queue/job-schemas.js";
import type { TeamRecords } from "../../queue/team-records.js";
import { formatStrength } from "../messages.js";
import type { PlatformAdapter, ResultView } from "../platform-adapter.js";
import { clipText, oneLine } from "../text-length.js";
import type { MessageRef, Origin } from "../types.js";
import { historyLine, parentLine } from "./history-line.js";

export interface HistoryDeps {
  adapter: PlatformAdapter;
  team: TeamRecords;
  logger: Logger;
}

/** The thread a job answers in, as /edit-history finds it again. */
export function historyThreadOf(origin: Origin): string {
  return origin.threadId ?? origin.channelId;
}

/**
 * Posts a result (or grid) with its history on top: who asked and from what, and a link to the
 * parent message. Then remembers where it went, for the next caption's link and /edit-history.
 */
export async function postWithHistory(d: HistoryDeps, job: EditJob, view: ResultView): Promise<MessageRef> {
  const parent = job.parentJobId ? await d.team.resultMessageOf(job.parentJobId) : null;
  let parentLink = parent?.link;
  if (!parentLink && !job.parentJobId && job.origin.messageId) {
    // A fresh edit's parent is the message that asked for it (or held the picture).
    parentLink = await linkTo(
      d,
      { platform: job.origin.platform, channelId: job.origin.channelId, messageId: job.origin.messageId },
      job.origin,
    );
  }
  const line = historyLine(job);
  const caption = [line, parentLine(parentLink), view.caption].filter((l) => l !== null).join("\n");
  const ref = await d.adapter.postResult(job.origin, { ...view, caption });
  const link = await linkTo(d, ref, job.origin);
  // A failed write here fails the delivery, which is retried without posting again (the delivery's
  // post-once mark), like any other write after the platform took the result.
  await d.team.setResultMessage(job.jobId, ref, link);
  await d.team.addHistory(job.origin.platform, historyThreadOf(job.origin), {
    jobId: job.jobId,
    line: `${line} · "${clipText(oneLine(job.spec.prompt), 80)}" · strength ${formatStrength(job.spec.strength)}`,
    link,
    at: Date.now(),
  });
  return ref;
}

async function linkTo(d: HistoryDeps, ref: MessageRef, origin: Origin): Promise<string | undefined> {
  try {
    return await d.adapter.messageLink?.(ref, origin);
  } catch (err) {
    d.logger.warn({ err, platform: ref.platform }, "could not get a link to the message");
    return undefined;
  }
}
