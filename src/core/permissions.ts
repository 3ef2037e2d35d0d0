import type { Config } from "../../config/index.js";
import type { EditJob } from "../queue/job-schemas.js";
import type { Actor } from "./types.js";

/** Re-runs: anyone in the channel (team channels edit together) unless the policy says requester. */
export function mayRerun(policy: Config["rerunPolicy"], actor: Actor, job: EditJob): boolean {
  if (actor.isBot) return false;
  if (policy === "anyone") return true;
  return isRequester(actor, job) || actor.canModerate === true;
}

/** Cancel: the person who asked, or someone who may manage others' messages. */
export function mayCancel(actor: Actor, job: EditJob): boolean {
  if (actor.isBot) return false;
  return isRequester(actor, job) || actor.canModerate === true;
}

function isRequester(actor: Actor, job: EditJob): boolean {
  return actor.platform === job.origin.platform && actor.userId === job.origin.userId;
}
