import { formatMegabytes } from "../images/errors/download-error.js";
import type { EditResultData, EditSpec, JobProgressData } from "../queue/job-schemas.js";
import { trailingNumberHint } from "./strength-hint.js";
import { clipText, oneLine } from "./text-length.js";

/**
 * Every sentence the bot shows people, in one place, in plain words. These are plain text, people's
 * own words (prompts, file names, display names) included as they typed them: each platform escapes
 * the whole sentence by its own rule before it reaches a message, then adds its own formatting.
 */

/** Under every demo result: what ran, what it can do, how to get real edits. */
export const DEMO_NOTICE =
  "Demo mode: this ran the demo model, not Flux. The demo model recolours by prompt words (winter, sunset, night, autumn, spring, desert, neon, sepia, black and white, colours); connect a Flux model (MODEL_DIR) for real edits.";

/** The playground's banner before anything has run. */
export const DEMO_BANNER =
  "Demo mode: this playground runs the demo model, not Flux. It recolours by prompt words (winter, sunset, night, autumn, spring, desert, neon, sepia, black and white, colours); connect a Flux model (MODEL_DIR) for real edits.";

export const SCHNELL_NOTICE =
  "FLUX.1-schnell is not guidance-distilled like FLUX.1-dev and inverts poorly: expect edits that keep less of the original.";

export function formatStrength(strength: number): string {
  return strength.toFixed(strength * 10 === Math.round(strength * 10) ? 1 : 2);
}

export function queuedText(position: number | null): string {
  if (position === null || position <= 0) return "⏳ Queued.";
  return position === 1 ? "⏳ Queued: you are next." : `⏳ Queued: position ${position}.`;
}

export function progressText(p: JobProgressData): string {
  const text = phaseText(p);
  // Try strengths: the same phases repeat once per strength, so say which pass this is.
  return p.pass && p.passes && p.passes > 1 ? `${text} (strength ${p.pass} of ${p.passes})` : text;
}

function phaseText(p: JobProgressData): string {
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
  const hint = kind === "rerun" ? null : trailingNumberHint(spec.prompt);
  return hint ? `${what}\n${hint}` : what;
}

export function tryStrengthsText(strengths: number[], who?: string): string {
  return `🎚️ Trying ${strengths.length} strengths${who ? ` for ${who}` : ""}: ${strengths.map(formatStrength).join(" / ")}`;
}

export function resultCaption(spec: EditSpec, result: EditResultData): string {
  const lines = [
    `"${clip(spec.prompt, 500)}"`,
    `strength ${formatStrength(spec.strength)} · seed ${spec.seed} · ${methodText(spec, result)} · ${seconds(result.totalMs)}`,
  ];
  if (result.isDemo) lines.push(DEMO_NOTICE);
  else lines.push(`model: ${result.modelName}`);
  if (!result.isDemo && /schnell/i.test(result.modelName)) lines.push(SCHNELL_NOTICE);
  const hint = trailingNumberHint(spec.prompt);
  if (hint) lines.push(hint);
  lines.push("React ➖ ➕ for weaker/stronger, 1️⃣–🔟 for a strength, 🎲 for a new seed.");
  return lines.join("\n");
}

/**
 * A Try-strengths grid: what it cost in model calls (one inversion at most, then one edit pass per
 * strength), and what the numbers mean here.
 */
export function gridCaption(spec: EditSpec, result: EditResultData): string {
  const tiles = result.tiles ?? [];
  const perPass = tiles.length > 1 ? tiles[1].transformerCalls : (tiles[0]?.transformerCalls ?? 0);
  const inversion = result.transformerCalls - perPass * tiles.length;
  const cost =
    inversion > 0
      ? `one inversion (${inversion}) + ${tiles.length} edit passes × ${perPass} = ${result.transformerCalls} transformer calls`
      : `inversion reused + ${tiles.length} edit passes × ${perPass} = ${result.transformerCalls} transformer calls`;
  const lines = [`"${clip(spec.prompt, 500)}"`, `seed ${spec.seed} · ${cost} · ${seconds(result.totalMs)}`];
  if (result.isDemo) lines.push(DEMO_NOTICE);
  else lines.push(`model: ${result.modelName}`);
  lines.push(
    `React ${tiles.map((_, i) => ["1️⃣", "2️⃣", "3️⃣", "4️⃣"][i]).join(" ")} (or press a button) to post that tile as a full result. On this grid the numbers pick a tile, not a strength.`,
  );
  return lines.join("\n");
}

/** Compare: the caption under a before/after picture. */
export function compareCaption(spec: EditSpec, who?: string): string {
  return `↔️ Before and after at strength ${formatStrength(spec.strength)}${who ? `, for @${who}` : ""} (no model call).`;
}

/**
 * How the picture was computed and what it cost: "sde · 10+28 steps, midpoint inversion · 39 transformer
 * calls", or with the inversion reused "ode midpoint · 10 steps (inversion reused) · 11 transformer calls".
 */
function methodText(spec: EditSpec, result: EditResultData): string {
  const inversionSteps = spec.inversionSteps ?? spec.steps;
  const steps = result.inversionCached
    ? `${spec.steps} steps (inversion reused)`
    : `${inversionSteps}+${spec.steps} steps`;
  // The SDE's edit is Euler-Maruyama whatever the solver; the solver shapes only its inversion.
  const method =
    spec.sampler === "ode"
      ? `ode ${spec.solver} · ${steps}`
      : `sde · ${steps}${result.inversionCached ? "" : `, ${spec.solver} inversion`}`;
  return `${method} · ${result.transformerCalls} transformer call${result.transformerCalls === 1 ? "" : "s"}`;
}

/** Where a platform shows the result's buttons apart from the picture (Slack). */
export function resultControlsText(spec: EditSpec): string {
  return `Strength ${formatStrength(spec.strength)} · seed ${spec.seed}: re-run it weaker, stronger or with a new seed, or edit this result again.`;
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

/** People's words on one line, at most `max` characters, cut between graphemes. */
function clip(text: string, max: number): string {
  return clipText(oneLine(text), max);
}

// ---- Sentences platforms need around a request (added for the Discord adapter; any platform may use them).

/** The line a chat platform shows above the thread it opens for one request. */
export function requestHeaderText(who: string, prompt: string): string {
  return `🖼️ ${who} asked for an edit: "${clip(prompt, 300)}"`;
}

/** The name of the thread that holds one request's status and results. */
export function threadNameFor(prompt: string): string {
  const name = `Edit: ${clip(prompt, 80)}`;
  return name.length > 1 ? name : "Edit";
}

/** The answer to a prompt that is empty or only whitespace. */
export const EMPTY_PROMPT = "Tell me what to change, e.g. /edit make it winter.";

export const NO_IMAGE_ATTACHED =
  "I need an image to edit: attach one to /edit (PNG, JPEG, WebP, GIF, HEIC, AVIF or TIFF).";

export const NO_IMAGE_IN_MESSAGE =
  'That message has no image I can edit. Use "Edit image" on a message with a picture attached.';

export function notAllowedText(what: "re-run" | "edit-again"): string {
  return what === "re-run"
    ? "Only the person who asked for this edit can re-run it here."
    : "Only the person who asked for this edit can edit its result again here.";
}

export function rerunAcceptedText(where: string): string {
  return `On it: follow along in ${where}.`;
}

/** Every intake slot is taken and the short wait queue is full (see INTAKE_CONCURRENCY). */
export const INTAKE_BUSY = "I'm busy taking in other pictures right now. Try again in a moment.";

export const NO_OPEN_JOB = "You have no edits waiting or running to cancel.";

// ---- Sentences for platforms that find the image themselves (added for the Slack adapter).

export const NO_IMAGE_IN_CHANNEL =
  "I can't find an image in this channel's recent messages. Share one, then use /edit again (or use \"Edit image\" on the message).";

/**
 * Discord hides the attachments of other people's messages from bots without the Message Content
 * intent, even when fetched over REST; its own results stay visible (docs/discord.md).
 */
export const NO_IMAGE_SEEN_ON_DISCORD =
  'I can\'t see an image in this thread or channel. Attach one to /edit, or use "Edit image" on the message with the picture (Apps menu).';

export const NO_IMAGE_IN_THREAD =
  "I can't find an image in this message or its thread. Share one here and mention me again with a prompt.";

/**
 * Names the message /edit took its picture from, so nobody wonders which one it was (the rule is
 * src/core/newest-image.ts). `where` says whether it was the thread's newest or the channel's.
 */
export function tookNewestImageText(
  link: string | undefined,
  fileName?: string,
  sharedBy?: string,
  where: "thread" | "channel" = "channel",
): string {
  const what = fileName ? `"${clip(fileName, 80)}"` : "the image";
  const by = sharedBy ? ` shared by ${sharedBy}` : "";
  return `No image in your message, so I'm editing the newest one in this ${where}: ${what}${by}${link ? `: ${link}` : "."}`;
}

export const MODAL_EXPIRED =
  'That form has expired (forms are kept for a day). Use "Edit image" or "Edit again" once more.';

/** Labels of the modal that asks for a prompt and a strength. */
export const EDIT_MODAL_TEXT = {
  title: "Edit image",
  againTitle: "Edit again",
  submit: "Edit",
  close: "Cancel",
  promptLabel: "What should change?",
  promptPlaceholder: "e.g. make it winter, with snow on the roofs",
  strengthLabel: "Strength",
  strengthHint: "0 keeps the picture, 1 follows the prompt fully.",
} as const;

// ---- Sentences about results that do not fit a platform's upload limit.

/** Said under a result that was re-encoded to fit a platform's upload limit. */
export function reencodedNote(p: {
  format: "webp" | "jpeg";
  quality?: number;
  scale: number;
  pngBytes: number;
  limitBytes: number;
}): string {
  const size = p.scale < 1 ? `, at ${Math.round(p.scale * 100)}% of the width and height` : "";
  const what = `${p.format === "jpeg" ? "JPEG" : "WebP"} (quality ${p.quality ?? "default"}${size})`;
  return `Sent as ${what}: the PNG (${formatMegabytes(p.pngBytes)}) is over the ${formatMegabytes(p.limitBytes)} upload limit here.`;
}

/** Said instead of the picture when no encoding of it could be uploaded. */
export function resultTooLargeText(pngBytes: number, limitBytes: number): string {
  return `The edited picture (${formatMegabytes(pngBytes)} as PNG) could not be uploaded here, not even made smaller (the upload limit is ${formatMegabytes(limitBytes)}). Tell whoever runs this bot: TARGET_MEGAPIXELS sets how large results are.`;
}

/** Said when a platform took the picture but never showed it where the edit was asked for. */
export function resultNotSharedText(link?: string): string {
  return link
    ? `The edited picture was uploaded, but it has not appeared here. Open it here: ${link}`
    : "The edited picture was uploaded, but it has not appeared here. Try Stronger or Weaker to get a new one.";
}

// ---- Sentences of the local playground (src/platforms/playground).

export function uploadTooLargeText(maxBytes: number): string {
  return `That file is too large to upload; the limit is ${formatMegabytes(maxBytes)}. Please send a smaller version.`;
}

export const PLAYGROUND_HELP = [
  "Pick or drop an image, then type `/edit <what to change>`, optionally with a strength from 0 to 1:",
  "`/edit make it winter 0.7` or `/edit make it winter strength:0.7` (and `seed:42` for a fixed seed).",
  "A bare `/edit` in a thread edits the newest picture there. `/queue` shows the queue and your edits.",
  "On a result: ➖ ➕ weaker/stronger, 1️⃣–🔟 a strength, 🎲 a new seed, ✖ cancels.",
].join("\n");

/** What an empty playground channel shows: what this is, how to edit, what strength means. */
export const PLAYGROUND_GREETING = {
  title: "Welcome to the rf-edit playground",
  lines: [
    "This is a local chat channel with the rf-edit bot in it: the same bot that runs in Discord and Slack.",
    "To edit a picture, drop an image here (or pick one with 📎) and type `/edit make it winter`, then press Send.",
    "Strength (0-1, default 0.5) is how far the edit may move from your picture: 0 keeps it, 1 lets the prompt take over. Add it at the end: `/edit make it winter 0.7`.",
    "On a result, press Stronger or Weaker, or react 1️⃣-🔟 for a strength. /help shows everything.",
  ],
} as const;

/**
 * Someone typed without the slash. Whatever they wrote is most likely what they want done to a
 * picture, so the hint shows it as the command they meant.
 */
export function noSlashHint(text: string, withImage: boolean): string {
  const edit = /^edit\b\s*(.*)$/i.exec(text.trim());
  const prompt = clip(edit ? edit[1] || "make it winter" : text, 120);
  const where = withImage
    ? "with the picture attached, or in its thread"
    : "with an image attached, or in the thread of one";
  return `Commands start with a slash: type \`/edit ${prompt}\` ${where}. /help shows more.`;
}

export const IMAGE_ONLY_HINT =
  "Got the picture. To edit it, reply in this thread with `/edit <what to change>`, e.g. `/edit make it winter`.";

export const EDIT_AGAIN_NEEDS_PROMPT = "Type what to change in the result, e.g. `make it night`.";

export const PLAYGROUND_UNKNOWN_MESSAGE =
  "That message is gone (the channel keeps its last few hundred messages).";

/** A request met a Redis failover (or outage) and was not queued; the user can simply try again. */
export const STORE_BUSY =
  "I'm busy switching to a backup database right now, so this edit was not queued. Try again in a moment.";
// ---- Admission, permissions and the end of a job (src/core/admission.ts, the worker, the sweep).

export function queueFullText(limit: number): string {
  return `The queue is full right now (${edits(limit)} waiting). Try again in a few minutes.`;
}

export function tooManyQueuedText(held: number, limit: number): string {
  return `You already have ${edits(held)} waiting (the limit is ${limit}). Wait for one to finish, or cancel one with /edit-cancel.`;
}

export function rateLimitedText(retryAfterMs: number): string {
  return `You're editing faster than this bot allows. Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`;
}

export const STORAGE_FULL =
  "The bot's storage is full, so I can't take this edit now. Try again later; if it keeps happening, tell whoever runs this bot.";

export const QUEUE_UNAVAILABLE =
  "Something went wrong on my side while queueing this edit. Try again in a moment.";

export const CANCEL_NOT_ALLOWED = "Only the person who asked for this edit (or a moderator) can cancel it.";

export const OTHER_WORKSPACE =
  "That edit belongs to another server or workspace; it can only be changed from there.";

export function alreadyEndedText(status: "done" | "failed" | "cancelled"): string {
  return `That edit has already ${status === "done" ? "finished" : status}.`;
}

export const CANCELLED_BEFORE_START = "Cancelled before it started.";

export const CANCELLED_WORKER_GONE = "Cancelled (the GPU worker running it had stopped).";

export const CANCELLING = "Cancelling: the worker stops at its next step.";

export const ENDED_UNNOTICED =
  "That edit had already ended without a word in its thread; the thread says how it ended now.";

/** BullMQ gave up on a job whose worker kept disappearing (its "stalled more than allowable limit"). */
export const WORKER_STALLED =
  "The GPU worker stopped responding while editing this image (it may have crashed or been restarted). Try again in a moment; if it keeps happening, tell whoever runs this bot.";

/** The job vanished from the queue before it ended (removed by an operator, or expired). */
export const JOB_LOST =
  "This edit was lost from the queue before it finished (it may have expired or been removed). Start it again with /edit.";

/** The bot stopped between taking the image and queueing the edit. */
export const INTAKE_LOST = "This edit was interrupted before it was queued. Try it again.";

export const NO_WORKER_ONLINE = "No GPU worker is online; your edit will start when one is.";

function edits(n: number): string {
  return n === 1 ? "1 edit" : `${n} edits`;
}
