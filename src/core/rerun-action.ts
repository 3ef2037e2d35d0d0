/**
 * What people can do to a result, whatever the platform: reactions and buttons both map onto these.
 * One table here, so ➕ means the same on Discord, Slack and the playground.
 */
export type RerunAction =
  | { kind: "weaker" }
  | { kind: "stronger" }
  | { kind: "strength"; value: number }
  | { kind: "new-seed" }
  | { kind: "cancel" };

/** Strength moves in tenths: neighbouring values really differ (docs/algorithm.md, "Strength"). */
export const STRENGTH_STEP = 0.1;

const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"];
const SLACK_NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "keycap_ten"];

const EMOJI: Record<string, RerunAction> = {
  "➖": { kind: "weaker" },
  "➕": { kind: "stronger" },
  "🎲": { kind: "new-seed" },
  "✖️": { kind: "cancel" },
  "✖": { kind: "cancel" },
  "❌": { kind: "cancel" },
  heavy_minus_sign: { kind: "weaker" },
  heavy_plus_sign: { kind: "stronger" },
  game_die: { kind: "new-seed" },
  heavy_multiplication_x: { kind: "cancel" },
  x: { kind: "cancel" },
};
KEYCAPS.forEach((e, i) => {
  EMOJI[e] = { kind: "strength", value: (i + 1) / 10 };
});
SLACK_NUMBERS.forEach((e, i) => {
  EMOJI[e] = { kind: "strength", value: (i + 1) / 10 };
});

/** The action a reaction asks for, or null for any other emoji (which is ignored). */
export function actionFromEmoji(name: string): RerunAction | null {
  return EMOJI[name] ?? EMOJI[name.replace(/\uFE0F/g, "")] ?? null;
}

/** The reactions the bot adds to every result so people see them. */
export const SUGGESTED_REACTIONS = {
  unicode: ["➖", "➕", "🎲"],
  slack: ["heavy_minus_sign", "heavy_plus_sign", "game_die"],
};

/** Rounds to the tenth-grid without float noise (0.1 + 0.2 must show as 0.3). */
function roundStrength(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;
}

/** The strength a re-run uses, or null when the action cannot move it (already at the end). */
export function nextStrength(current: number, action: RerunAction): number | null {
  switch (action.kind) {
    case "weaker":
      return current <= 0 ? null : roundStrength(current - STRENGTH_STEP);
    case "stronger":
      return current >= 1 ? null : roundStrength(current + STRENGTH_STEP);
    case "strength":
      return roundStrength(action.value);
    default:
      return current;
  }
}

/** Buttons carry their action and the job in their id, so they work after a restart. */
export type ControlName = "weaker" | "stronger" | "new-seed" | "edit-again" | "cancel";

export function controlId(control: ControlName, jobId: string): string {
  return `rf:${control}:${jobId}`;
}

export function parseControlId(id: string): { control: ControlName; jobId: string } | null {
  const m = /^rf:(weaker|stronger|new-seed|edit-again|cancel):([A-Za-z0-9_-]{1,80})$/.exec(id);
  return m ? { control: m[1] as ControlName, jobId: m[2] } : null;
}

export function actionFromControl(control: ControlName): RerunAction | null {
  switch (control) {
    case "weaker":
      return { kind: "weaker" };
    case "stronger":
      return { kind: "stronger" };
    case "new-seed":
      return { kind: "new-seed" };
    case "cancel":
      return { kind: "cancel" };
    default:
      return null;
  }
}

/** Controls under a result, in the order every platform shows them. */
export const RESULT_CONTROLS: { control: ControlName; label: string }[] = [
  { control: "weaker", label: "Weaker" },
  { control: "stronger", label: "Stronger" },
  { control: "new-seed", label: "New seed" },
  { control: "edit-again", label: "Edit again" },
];
