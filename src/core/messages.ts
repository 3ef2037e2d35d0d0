import type { EditResultData, EditSpec, JobProgressData } from "../queue/job-schemas.js";

/**
 * Every sentence the bot shows people, in one place, in plain words. Platforms add their own
 * formatting (mentions, bold) around these, never other wording.
 */

export const DEMO_NOTICE =
  "Demo mode: no Flux model is configured (MODEL_DIR), so this ran the tiny demo model and the picture is not a real edit.";

export function formatStrength(strength: number): string {
  return strength.toFixed(strength * 10 === Math.round(strength * 10) ? 1 : 2);
}

export function queuedText(position: number | null): string {
  if (position === null || position <= 0) return "⏳ Queued.";
  return position === 1 ? "⏳ Queued: you are next." : `⏳ Queued: position ${position}.`;
}

export function progressText(p: JobProgressData): string {
  switch (p.phase) {
    case "preparing":
      return "⚙️ Preparing the image…";
    case "inverting":
      return `🔄 Inverting ${p.step}/${p.total}…`;
    case "editing":
      return `🎨 Editing ${p.step}/${p.total}…`;
    case "finishing":
      return "🖼️ Finishing…";
  }
}

export function submittedText(spec: EditSpec, kind: "new" | "rerun" | "chain", who?: string): string {
  const by = who ? ` for ${who}` : "";
  const what =
    kind === "rerun"
      ? `Re-running at strength ${formatStrength(spec.strength)}, seed ${spec.seed}${by}`
      : kind === "chain"
        ? `Editing the result again${by}: "${clip(spec.prompt, 200)}"`
        : `Editing${by}: "${clip(spec.prompt, 200)}" at strength ${formatStrength(spec.strength)}`;
  return what;
}

export function resultCaption(spec: EditSpec, result: EditResultData): string {
  const lines = [
    `"${clip(spec.prompt, 500)}"`,
    `strength ${formatStrength(spec.strength)} · seed ${spec.seed} · ${spec.sampler} · ${spec.steps} steps · ${seconds(result.totalMs)}${result.inversionCached ? " (inversion reused)" : ""}`,
  ];
  if (result.isDemo) lines.push(DEMO_NOTICE);
  else lines.push(`model: ${result.modelName}`);
  lines.push("React ➖ ➕ for weaker/stronger, 1️⃣–🔟 for a strength, 🎲 for a new seed.");
  return lines.join("\n");
}

export function doneStatusText(result: EditResultData): string {
  return `✅ Done in ${seconds(result.totalMs)}.`;
}

export function cancelledText(byName?: string): string {
  return byName ? `✖️ Cancelled by ${byName}.` : "✖️ Cancelled.";
}

export function failedText(userMessage: string): string {
  return `⚠️ ${userMessage}`;
}

export const WORKER_FAILED =
  "Something went wrong on the GPU worker while editing this image. Try again in a moment; if it keeps happening, tell whoever runs this bot.";

export const ODE_NEW_SEED =
  "This edit uses the deterministic ODE sampler, so a new seed would give exactly the same picture. Try another strength instead.";

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
