import { envSchema } from "./schema.js";

export interface Misspelling {
  /** The variable as set. */
  name: string;
  /** The setting it most likely meant. */
  suggestion: string;
}

/** Families of our settings: an unknown name in one of them is almost surely meant for us. */
const FAMILIES = [
  "DISCORD_",
  "SLACK_",
  "PLAYGROUND_",
  "METRICS_",
  "REDIS_",
  "RATE_LIMIT_",
  "MAX_IMAGE_",
  "MAX_QUEUE",
  "DEFAULT_",
  "INTAKE_",
  "WORKER_",
  "ADMIN_",
];

/**
 * Variables that look like one of our settings but are not one (LOG_LEVL, MODELDIR, REDIS_HOST):
 * an unknown variable is otherwise silently ignored, and the person wonders why nothing changed.
 * A name is flagged when it equals a setting but for underscores, is within a typo or two of one
 * (one for short names, so HOME is not taken for ROLE), or starts like a family of ours.
 */
export function misspelledSettings(
  env: Record<string, string | undefined>,
  known: readonly string[] = Object.keys(envSchema.shape),
): Misspelling[] {
  const settings = new Set(known);
  const out: Misspelling[] = [];
  for (const name of Object.keys(env)) {
    if (settings.has(name) || !/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
    const squashed = name.replace(/_/g, "");
    let best: { setting: string; distance: number } | null = null;
    for (const setting of known) {
      const d = editDistance(squashed, setting.replace(/_/g, ""));
      if (!best || d < best.distance) best = { setting, distance: d };
    }
    if (!best) continue;
    const tolerance = squashed.length <= 6 ? 1 : 2;
    const inFamily = FAMILIES.some((f) => name.startsWith(f));
    if (best.distance <= tolerance || inFamily) out.push({ name, suggestion: best.setting });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}
