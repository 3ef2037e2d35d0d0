import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEV_SCHEDULE, type FlowSchedule, SCHNELL_SCHEDULE } from "../rf/schedule.js";
import { ModelLoadError } from "./errors/model-load-error.js";

export interface FolderSchedule {
  schedule: FlowSchedule;
  /** Where it came from, in words, for logs and models:check. */
  source: string;
}

/**
 * FlowMatchEulerDiscreteScheduler's own defaults, which diffusers applies to any key a config leaves
 * out: an unshifted schedule unless the config turns dynamic shifting on.
 */
const SCHEDULER_CLASS_DEFAULTS: FlowSchedule = { ...SCHNELL_SCHEDULE };

const KEYS: Array<[keyof FlowSchedule, string]> = [
  ["useDynamicShifting", "use_dynamic_shifting"],
  ["shift", "shift"],
  ["baseImageSeqLen", "base_image_seq_len"],
  ["maxImageSeqLen", "max_image_seq_len"],
  ["baseShift", "base_shift"],
  ["maxShift", "max_shift"],
];

/**
 * The sigma schedule a model folder asks for, from scheduler/scheduler_config.json as the export copies
 * it; without that file, the variant's (dev: shifted by resolution, schnell: unshifted). A file that
 * is there but unreadable or nonsensical is refused, not guessed around.
 */
export async function readFolderSchedule(dir: string, variant: "dev" | "schnell"): Promise<FolderSchedule> {
  const file = path.join(dir, "scheduler", "scheduler_config.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return {
      schedule: variant === "dev" ? DEV_SCHEDULE : SCHNELL_SCHEDULE,
      source: `FLUX.1-${variant}'s default (the folder has no scheduler/scheduler_config.json)`,
    };
  }
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("not a JSON object");
    raw = parsed as Record<string, unknown>;
  } catch (err) {
    throw new ModelLoadError(
      `The scheduler config ${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`,
      file,
    );
  }
  const schedule = { ...SCHEDULER_CLASS_DEFAULTS };
  for (const [field, key] of KEYS) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    const ok =
      field === "useDynamicShifting" ? typeof v === "boolean" : typeof v === "number" && Number.isFinite(v);
    if (!ok)
      throw new ModelLoadError(
        `${file}: ${key} is ${JSON.stringify(v)}, expected a ${field === "useDynamicShifting" ? "true or false" : "number"}.`,
        file,
      );
    (schedule as Record<string, unknown>)[field] = v;
  }
  if (!(schedule.shift > 0))
    throw new ModelLoadError(`${file}: shift must be above 0, it is ${schedule.shift}.`, file);
  if (schedule.useDynamicShifting && !(schedule.maxImageSeqLen > schedule.baseImageSeqLen)) {
    throw new ModelLoadError(
      `${file}: max_image_seq_len (${schedule.maxImageSeqLen}) must be above base_image_seq_len (${schedule.baseImageSeqLen}).`,
      file,
    );
  }
  return { schedule, source: file };
}

/** The schedule in words: "shifted by resolution (mu 0.5 at 256 tokens .. 1.15 at 4096)" or "unshifted". */
export function describeSchedule(s: FlowSchedule): string {
  if (s.useDynamicShifting) {
    return `shifted by resolution (mu ${s.baseShift} at ${s.baseImageSeqLen} tokens to ${s.maxShift} at ${s.maxImageSeqLen})`;
  }
  return s.shift === 1 ? "unshifted (linear)" : `static shift ${s.shift}`;
}
