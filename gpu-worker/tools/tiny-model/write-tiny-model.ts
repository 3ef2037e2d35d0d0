import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { EXPORTER_DATA_FILE, type ExternalDataName } from "../../src/flux/external-data.js";
import {
  clipConfig,
  clipSpecialTokensMap,
  clipTokenizerConfig,
  modelIndex,
  schedulerConfig,
  TINY_MODEL_VERSION,
  type TinyConfigOptions,
  t5Config,
  t5SpecialTokensMap,
  t5TokenizerConfig,
  transformerConfig,
  VAE_SCALING_FACTOR,
  VAE_SHIFT_FACTOR,
  vaeConfig,
} from "./configs.js";
import type { GraphBuilder } from "./graph-builder.js";
import { buildClipGraph, buildT5Graph } from "./text-encoder-graphs.js";
import { clipMergesText, clipTokenizerFiles, t5TokenizerJson, t5Vocab } from "./tokenizer-files.js";
import { buildTransformerGraph } from "./transformer-graph.js";
import { buildVaeDecoderGraph, buildVaeEncoderGraph } from "./vae-graphs.js";

export interface TinyModelOptions {
  /** dev has the transformer's `guidance` input; schnell has none. Default dev. */
  variant?: "dev" | "schnell";
  /** fp16: float inputs, outputs and weights are float16, as in an fp16 export. Default fp32. */
  precision?: "fp32" | "fp16";
  /** Weights in a file next to each `model.onnx`, as large exports store them. Default false. */
  externalData?: boolean;
  /**
   * The weights file's name: `model.onnx_data` as Optimum's exporter writes it, or `model.onnx.data` as
   * ONNX Runtime's optimizer (optimize_pipeline.py) saves it. Default `model.onnx_data`.
   */
  externalDataName?: ExternalDataName;
  /** Integer type of CLIP's input_ids: current Optimum exports int64, older ones int32. Default int64. */
  clipInputIdsType?: "int64" | "int32";
}

export type ResolvedTinyModelOptions = Required<TinyModelOptions>;

/** The file that marks a folder as a complete tiny model of this generator version and these options. */
export const TINY_STAMP_FILE = "tiny-model.json";

export const TINY_TEXT_DIM = 32;
export const TINY_POOLED_DIM = 16;

export function resolveTinyOptions(options: TinyModelOptions = {}): ResolvedTinyModelOptions {
  return {
    variant: options.variant ?? "dev",
    precision: options.precision ?? "fp32",
    externalData: options.externalData ?? false,
    externalDataName: options.externalDataName ?? EXPORTER_DATA_FILE,
    clipInputIdsType: options.clipInputIdsType ?? "int64",
  };
}

export function tinyStamp(options: ResolvedTinyModelOptions): string {
  return `${JSON.stringify({ version: TINY_MODEL_VERSION, ...options }, null, 2)}\n`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function writeOnnx(
  folder: string,
  graph: GraphBuilder,
  o: Pick<ResolvedTinyModelOptions, "externalData" | "externalDataName">,
): Promise<void> {
  const { model, externalData: data } = graph.serialize({
    externalDataFile: o.externalData ? o.externalDataName : null,
  });
  await writeFile(path.join(folder, "model.onnx"), model);
  if (data) await writeFile(path.join(folder, o.externalDataName), data);
}

/**
 * Writes a tiny Flux pipeline in the layout of Optimum's FLUX.1 export into `dir` (created if missing).
 * Same options, same bytes: the weights come from fixed seeds.
 */
export async function writeTinyModel(
  dir: string,
  options: TinyModelOptions = {},
): Promise<ResolvedTinyModelOptions> {
  const o = resolveTinyOptions(options);
  const clipFiles = clipTokenizerFiles();
  const cfg: TinyConfigOptions = {
    variant: o.variant,
    precision: o.precision,
    textDim: TINY_TEXT_DIM,
    pooledDim: TINY_POOLED_DIM,
    clipVocabSize: Object.keys(clipFiles.vocab).length,
    t5VocabSize: t5Vocab().length,
  };
  const sub = async (name: string) => {
    const folder = path.join(dir, name);
    await mkdir(folder, { recursive: true });
    return folder;
  };
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "model_index.json"), json(modelIndex(cfg)));
  await writeFile(path.join(await sub("scheduler"), "scheduler_config.json"), json(schedulerConfig(cfg)));

  const transformer = await sub("transformer");
  await writeFile(path.join(transformer, "config.json"), json(transformerConfig(cfg)));
  await writeOnnx(
    transformer,
    buildTransformerGraph(
      { textDim: cfg.textDim, pooledDim: cfg.pooledDim, hasGuidance: o.variant === "dev" },
      o.precision,
    ),
    o,
  );

  const scaling = { scalingFactor: VAE_SCALING_FACTOR, shiftFactor: VAE_SHIFT_FACTOR };
  for (const [name, graph] of [
    ["vae_encoder", buildVaeEncoderGraph(scaling, o.precision)],
    ["vae_decoder", buildVaeDecoderGraph(scaling, o.precision)],
  ] as const) {
    const folder = await sub(name);
    await writeFile(path.join(folder, "config.json"), json(vaeConfig()));
    await writeOnnx(folder, graph, o);
  }

  const clip = await sub("text_encoder");
  await writeFile(path.join(clip, "config.json"), json(clipConfig(cfg)));
  await writeOnnx(
    clip,
    buildClipGraph(
      { vocabSize: cfg.clipVocabSize, hiddenDim: cfg.pooledDim, inputIdsType: o.clipInputIdsType },
      o.precision,
      202,
    ),
    o,
  );

  const t5 = await sub("text_encoder_2");
  await writeFile(path.join(t5, "config.json"), json(t5Config(cfg)));
  await writeOnnx(
    t5,
    buildT5Graph({ vocab: t5Vocab().map(([piece]) => piece), hiddenDim: cfg.textDim }, o.precision, 303),
    o,
  );

  const tok = await sub("tokenizer");
  await writeFile(path.join(tok, "vocab.json"), `${JSON.stringify(clipFiles.vocab)}\n`);
  await writeFile(path.join(tok, "merges.txt"), clipMergesText(clipFiles.merges));
  await writeFile(path.join(tok, "tokenizer_config.json"), json(clipTokenizerConfig()));
  await writeFile(path.join(tok, "special_tokens_map.json"), json(clipSpecialTokensMap()));

  const tok2 = await sub("tokenizer_2");
  await writeFile(path.join(tok2, "tokenizer.json"), json(t5TokenizerJson()));
  await writeFile(path.join(tok2, "tokenizer_config.json"), json(t5TokenizerConfig()));
  await writeFile(path.join(tok2, "special_tokens_map.json"), json(t5SpecialTokensMap()));

  // Last: its presence means the folder is complete.
  await writeFile(path.join(dir, TINY_STAMP_FILE), tinyStamp(o));
  return o;
}
