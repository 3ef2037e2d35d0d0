import type { Config } from "../../config/index.js";
import type { EditJob } from "../queue/job-schemas.js";
import type { Actor } from "./types.js";

/**
 * Every right over a job is scoped to the job's own workspace (Discord guild, Slack team, the
 * playground): a moderator of another server has none, and job ids are visible in button ids.
 */
export function sameWorkspace(actor: Actor, job: EditJob): boolean {
  return actor.platform === job.origin.platform && actor.workspaceId === job.origin.workspaceId;
}

/** Re-runs: anyone in the job's workspace (team channels edit together) unless the policy says requester. */
export function mayRerun(policy: Config["rerunPolicy"], actor: Actor, job: EditJob): boolean {
  if (actor.isBot || !sameWorkspace(actor, job)) return false;
  if (policy === "anyone") return true;
  return isRequester(actor, job) || actor.canModerate === true;
}

/** Cancel: the person who asked, or someone who may manage others' messages in that workspace. */
export function mayCancel(actor: Actor, job: EditJob): boolean {
  if (actor.isBot || !sameWorkspace(actor, job)) return false;
  return isRequester(actor, job) || actor.canModerate === true;
}

function isRequester(actor: Actor, job: EditJob): boolean {
  return actor.userId === job.origin.userId;
}
