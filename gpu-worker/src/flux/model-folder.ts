import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ModelLoadError } from "./errors/model-load-error.js";
import { EXTERNAL_DATA_NAMES } from "./external-data.js";
import type { ComponentName, ModelSignature } from "./model-spec.js";

/** The marker key the tiny-model generator writes into model_index.json. */
const TINY_MARKER_KEY = "_rf_edit_tiny_model";

export interface VaeScaling {
  scalingFactor: number;
  shiftFactor: number;
  latentChannels: number;
}

export interface ModelFolder {
  dir: string;
  /** Stable id for cache keys: folder name plus a hash of its configs and model file sizes. */
  id: string;
  /** Name from model_index.json's _name_or_path, when the export kept it. */
  sourceName: string | null;
  isTiny: boolean;
  onnxFiles: Record<ComponentName, string>;
  transformerConfig: Record<string, unknown>;
  vae: VaeScaling;
  clipTokenizer: { vocabFile: string; mergesFile: string; configFiles: string[] };
  t5Tokenizer: { tokenizerFile: string; configFiles: string[] };
}

export interface FolderProblem {
  message: string;
  location: string;
}

const ONNX_COMPONENTS: ComponentName[] = [
  "transformer",
  "vae_encoder",
  "vae_decoder",
  "text_encoder",
  "text_encoder_2",
];

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function readJson(
  file: string,
  what: string,
  problems: FolderProblem[],
): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    problems.push({ message: `${what} is missing: expected ${file}.`, location: file });
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new Error("not a JSON object");
    return value as Record<string, unknown>;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    problems.push({ message: `${what} at ${file} is not valid JSON (${why}).`, location: file });
    return null;
  }
}

function finiteNumber(config: Record<string, unknown>, key: string): number | null {
  const v = config[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/**
 * Reads a Flux export folder's index, configs and file list, and reports every missing or unreadable
 * piece (not just the first), so one look at `models:check` shows all that is wrong.
 */
export async function scanModelFolder(
  dir: string,
): Promise<{ folder: ModelFolder | null; problems: FolderProblem[] }> {
  const root = path.resolve(dir);
  const problems: FolderProblem[] = [];
  try {
    if (!(await stat(root)).isDirectory()) {
      return {
        folder: null,
        problems: [{ message: `${root} is a file, not a model folder.`, location: root }],
      };
    }
  } catch {
    return {
      folder: null,
      problems: [{ message: `The model folder ${root} does not exist.`, location: root }],
    };
  }

  const index = await readJson(
    path.join(root, "model_index.json"),
    "The pipeline index model_index.json",
    problems,
  );
  const onnxFiles = {} as Record<ComponentName, string>;
  for (const c of ONNX_COMPONENTS) {
    const file = path.join(root, c, "model.onnx");
    onnxFiles[c] = file;
    if (!(await isFile(file)))
      problems.push({ message: `The ${c} model is missing: expected ${file}.`, location: file });
  }
  const transformerConfig = await readJson(
    path.join(root, "transformer", "config.json"),
    "The transformer's config.json",
    problems,
  );
  const vaeConfig = await readJson(
    path.join(root, "vae_decoder", "config.json"),
    "The VAE decoder's config.json",
    problems,
  );
  await readJson(path.join(root, "vae_encoder", "config.json"), "The VAE encoder's config.json", problems);
  await readJson(
    path.join(root, "text_encoder", "config.json"),
    "The CLIP text encoder's config.json",
    problems,
  );
  await readJson(
    path.join(root, "text_encoder_2", "config.json"),
    "The T5 text encoder's config.json",
    problems,
  );

  const clipTokenizer = {
    vocabFile: path.join(root, "tokenizer", "vocab.json"),
    mergesFile: path.join(root, "tokenizer", "merges.txt"),
    configFiles: [
      path.join(root, "tokenizer", "tokenizer_config.json"),
      path.join(root, "tokenizer", "special_tokens_map.json"),
    ],
  };
  const t5Tokenizer = {
    tokenizerFile: path.join(root, "tokenizer_2", "tokenizer.json"),
    configFiles: [path.join(root, "tokenizer_2", "tokenizer_config.json")],
  };
  for (const [file, what] of [
    [clipTokenizer.vocabFile, "The CLIP tokenizer's vocab.json"],
    [clipTokenizer.mergesFile, "The CLIP tokenizer's merges.txt"],
    [t5Tokenizer.tokenizerFile, "The T5 tokenizer's tokenizer.json"],
  ] as const) {
    if (!(await isFile(file)))
      problems.push({ message: `${what} is missing: expected ${file}.`, location: file });
  }

  let vae: VaeScaling | null = null;
  if (vaeConfig) {
    const vaeFile = path.join(root, "vae_decoder", "config.json");
    const scalingFactor = finiteNumber(vaeConfig, "scaling_factor");
    const shiftFactor = finiteNumber(vaeConfig, "shift_factor");
    const latentChannels = finiteNumber(vaeConfig, "latent_channels") ?? 16;
    if (scalingFactor === null || shiftFactor === null) {
      problems.push({
        message: `${vaeFile} lacks the VAE's scaling_factor or shift_factor (FLUX.1 uses 0.3611 and 0.1159).`,
        location: vaeFile,
      });
    } else vae = { scalingFactor, shiftFactor, latentChannels };
  }

  if (problems.length > 0 || !index || !transformerConfig || !vae) return { folder: null, problems };
  const nameOrPath = typeof index._name_or_path === "string" ? index._name_or_path : null;
  return {
    folder: {
      dir: root,
      id: await folderId(root, onnxFiles),
      sourceName: nameOrPath ? path.basename(nameOrPath) : null,
      isTiny: TINY_MARKER_KEY in index,
      onnxFiles,
      transformerConfig,
      vae,
      clipTokenizer,
      t5Tokenizer,
    },
    problems,
  };
}

/** Like scanModelFolder, but throws one ModelLoadError that lists every problem. */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const { folder, problems } = await scanModelFolder(dir);
  if (!folder) {
    const first = problems[0];
    const message =
      problems.length === 1
        ? first.message
        : `The model folder ${path.resolve(dir)} cannot be used:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`;
    throw new ModelLoadError(message, first.location);
  }
  return folder;
}

async function folderId(root: string, onnxFiles: Record<ComponentName, string>): Promise<string> {
  const hash = createHash("sha256");
  const configs = [
    "model_index.json",
    "transformer/config.json",
    "vae_decoder/config.json",
    "text_encoder/config.json",
    "text_encoder_2/config.json",
  ];
  for (const rel of configs) {
    hash.update(rel);
    hash.update(await readFile(path.join(root, rel)));
  }
  // The schedule decides the inversion, so a changed scheduler config must not reuse cached inversions.
  const scheduler = path.join(root, "scheduler", "scheduler_config.json");
  if (await isFile(scheduler)) hash.update(await readFile(scheduler));
  // Sizes tell an fp16 export from an fp32 one with the same configs.
  for (const c of ONNX_COMPONENTS) {
    hash.update(`${c}:${(await stat(onnxFiles[c])).size}`);
    for (const name of EXTERNAL_DATA_NAMES) {
      const data = path.join(path.dirname(onnxFiles[c]), name);
      if (await isFile(data)) hash.update(`${name}:${(await stat(data)).size}`);
    }
  }
  return `${path.basename(root)}-${hash.digest("hex").slice(0, 12)}`;
}

/** FLUX.1-dev is guidance-distilled and has a `guidance` input; FLUX.1-schnell has none. */
export function detectVariant(transformer: ModelSignature): "dev" | "schnell" {
  return transformer.inputs.some((i) => i.name === "guidance") ? "dev" : "schnell";
}
