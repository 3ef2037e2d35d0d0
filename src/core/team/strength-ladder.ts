/**
 * Try strengths: four strengths around the current one, a quarter apart, clamped to 0..1 and
 * de-duplicated. Near an end the ladder extends the other way, so there are always four distinct
 * values (0.25 steps leave five points in 0..1): 0.5 -> 0.25 0.5 0.75 1; 1 -> 0.25 0.5 0.75 1;
 * 0.6 -> 0.35 0.6 0.85 1.
 */
const OFFSETS = [-0.25, 0, 0.25, 0.5, -0.5, -0.75, 0.75, 1, -1];

export const TRY_STRENGTHS_COUNT = 4;

export function strengthLadder(current: number, count = TRY_STRENGTHS_COUNT): number[] {
  const out: number[] = [];
  for (const offset of OFFSETS) {
    const s = Math.round(Math.min(1, Math.max(0, current + offset)) * 100) / 100;
    if (!out.includes(s)) out.push(s);
    if (out.length === count) break;
  }
  return out.sort((a, b) => a - b);
}
