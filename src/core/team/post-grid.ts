import { tileGrid } from "../../images/tile-grid.js";
import type { Logger } from "../../logger.js";
import type { ImageStore } from "../../queue/image-store.js";
import type { JobRecords } from "../../queue/job-records.js";
import type { EditJob, EditResultData } from "../../queue/job-schemas.js";
import type { TeamRecords } from "../../queue/team-records.js";
import { formatStrength, gridCaption } from "../messages.js";
import type { PlatformAdapter } from "../platform-adapter.js";
import { controlId } from "../rerun-action.js";
import type { MessageRef } from "../types.js";
import { postWithHistory } from "./post-with-history.js";
import { GRID_REACTIONS, pickControl } from "./team-controls.js";

export function tileLabel(index: number, strength: number): string {
  return `${index + 1} · ${formatStrength(strength)}`;
}

/**
 * A Try-strengths result: the tiles as ONE labelled grid image, with a button per tile and 1️⃣-4️⃣
 * suggested. The tiles stay in the image store, named by the job's result, until it expires; the
 * grid message is linked to the job so a pick finds them.
 */
export async function postGrid(
  d: { adapter: PlatformAdapter; images: ImageStore; team: TeamRecords; records: JobRecords; logger: Logger },
  job: EditJob,
  result: EditResultData,
  /** Told the moment the platform took the grid (the delivery's post-once mark). */
  accepted?: () => void,
): Promise<MessageRef> {
  const tiles = result.tiles ?? [];
  const pngs = [];
  for (const [i, tile] of tiles.entries()) {
    const png = await d.images.get(tile.imageKey);
    if (!png) throw new Error(`tile image ${tile.imageKey} is missing from the store`);
    pngs.push({ png, label: tileLabel(i, tile.strength) });
  }
  const grid = await tileGrid(pngs);
  const gridKey = await d.images.put(grid.png);
  return postWithHistory(d, job, {
    job,
    result: { ...result, imageKey: gridKey, width: grid.width, height: grid.height },
    png: grid.png,
    caption: gridCaption(job.spec, result),
    controls: tiles.map((t, i) => ({
      control: pickControl(i + 1),
      label: `Use ${i + 1} (${formatStrength(t.strength)})`,
      id: controlId(pickControl(i + 1), job.jobId),
    })),
    posted: (ref) => {
      accepted?.();
      return d.team.linkGrid(ref, job.jobId);
    },
    kind: "grid",
    reactions: {
      unicode: GRID_REACTIONS.unicode.slice(0, tiles.length),
      slack: GRID_REACTIONS.slack.slice(0, tiles.length),
    },
  });
}
