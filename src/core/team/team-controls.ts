import type { ControlName } from "../rerun-action.js";

/**
 * The team controls' one table: Compare and Try strengths on a result, and picking a tile on a
 * grid. Reactions mean different things by the kind of message they are on: on a GRID 1️⃣-4️⃣ pick
 * a tile; on a result the same keycaps keep their meaning, a strength of 0.1-0.4 (rerun-action.ts).
 */
export type TeamAction =
  | { kind: "compare" }
  | { kind: "try-strengths" }
  | { kind: "pick-tile"; tile: number };

/** What a message is, for reactions: a result, a Try-strengths grid, or anything else. */
export type MessageKind = "result" | "grid" | "other";

const ON_RESULT: Record<string, TeamAction> = {
  "\u2194": { kind: "compare" },
  left_right_arrow: { kind: "compare" },
  "\u{1F39A}": { kind: "try-strengths" },
  level_slider: { kind: "try-strengths" },
};

const ON_GRID: Record<string, TeamAction> = {
  "1\u20E3": { kind: "pick-tile", tile: 1 },
  "2\u20E3": { kind: "pick-tile", tile: 2 },
  "3\u20E3": { kind: "pick-tile", tile: 3 },
  "4\u20E3": { kind: "pick-tile", tile: 4 },
  one: { kind: "pick-tile", tile: 1 },
  two: { kind: "pick-tile", tile: 2 },
  three: { kind: "pick-tile", tile: 3 },
  four: { kind: "pick-tile", tile: 4 },
};

/** The reaction's team meaning on this kind of message, or null (then the re-run table applies). */
export function teamReaction(emoji: string, on: MessageKind): TeamAction | null {
  const name = emoji.replace(/\uFE0F/g, "");
  if (on === "grid") return ON_GRID[name] ?? null;
  if (on === "result") return ON_RESULT[name] ?? null;
  return null;
}

/** Reactions the bot adds to a grid, so people see how to pick. */
export const GRID_REACTIONS = {
  unicode: ["1️⃣", "2️⃣", "3️⃣", "4️⃣"],
  slack: ["one", "two", "three", "four"],
};

export const TILE_KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣"];

export function pickControl(tile: number): ControlName {
  return `pick-${tile}` as ControlName;
}

/** Button ids carry the action and the job, like the re-run buttons, so they work after a restart. */
export function parseTeamControlId(id: string): { action: TeamAction; jobId: string } | null {
  const m = /^rf:(compare|try-strengths|pick-([1-4])):([A-Za-z0-9_-]{1,80})$/.exec(id);
  if (!m) return null;
  const action: TeamAction =
    m[1] === "compare"
      ? { kind: "compare" }
      : m[1] === "try-strengths"
        ? { kind: "try-strengths" }
        : { kind: "pick-tile", tile: Number(m[2]) };
  return { action, jobId: m[3] };
}
