import type { EditJob } from "../../queue/job-schemas.js";
import { formatStrength } from "../messages.js";
import { clipText, oneLine } from "../text-length.js";
import { TILE_KEYCAPS } from "./team-controls.js";

/**
 * The caption's history line: who asked, and from what. People are NAMED ("@bob") but never
 * mentioned: the text is plain, each platform escapes it and posts with notifications off
 * (docs/platform-messages.md).
 */
export function historyLine(job: EditJob): string {
  const who = `@${job.origin.userName ?? "someone"}`;
  const via = job.via;
  const from = via?.fromStrength !== undefined ? ` from strength ${formatStrength(via.fromStrength)}` : "";
  if (job.strengths) {
    return `🎚️ Try strengths by ${who}${from}: ${job.strengths.map(formatStrength).join(" / ")}`;
  }
  switch (via?.action) {
    case "stronger":
      return `➕ by ${who}${from}`;
    case "weaker":
      return `➖ by ${who}${from}`;
    case "strength":
      return `Strength ${formatStrength(job.spec.strength)} by ${who}${from}`;
    case "new-seed":
      return `🎲 New seed by ${who}`;
    case "edit-again":
      return `Edit again by ${who}: '${clipText(oneLine(job.spec.prompt), 200)}'`;
    case "tile":
      return `${TILE_KEYCAPS[(via.tile ?? 1) - 1]} picked by ${who} from the Try strengths grid`;
    default:
      return job.kind === "chain"
        ? `Edit again by ${who}: '${clipText(oneLine(job.spec.prompt), 200)}'`
        : job.kind === "rerun"
          ? `Re-run by ${who}`
          : `Asked by ${who}`;
  }
}

/** "↩️ from <link>", the parent's message; absent when the parent's message is unknown. */
export function parentLine(link: string | undefined): string | null {
  return link ? `↩️ from ${link}` : null;
}
