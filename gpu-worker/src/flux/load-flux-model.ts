import { stat } from "node:fs/promises";
import path from "node:path";
import { createLogger, type Logger } from "../../../src/logger.js";
import { ensureTinyModel } from "../../tools/tiny-model/ensure-tiny-model.js";
import { ExecutionProviderError } from "./errors/execution-provider-error.js";
import { ModelLoadError } from "./errors/model-load-error.js";
import { detectVariant, type ModelFolder, readModelFolder } from "./model-folder.js";
import { COMPONENTS, type ComponentName, type ModelSignature, signatureProblems } from "./model-spec.js";
import { readOnnxFileInfo } from "./onnx/onnx-signature.js";
import { SessionHost, SessionHostError } from "./onnx/session-host.js";
import type { ExecutionProviderSetting } from "./onnx/worker-protocol.js";
import { OnnxFluxModel } from "./onnx-flux-model.js";
import { describeProviders, type PartPlacement, requestedProviders } from "./placement.js";
import { describeSchedule, readFolderSchedule } from "./scheduler-config.js";
import { checkWorkingSize, hasFusedAttention } from "./size-limits.js";
import { t5Limit } from "./text-limits.js";
import { ClipTokenizer } from "./tokenizers/clip-tokenizer.js";
import { T5Tokenizer } from "./tokenizers/t5-tokenizer.js";
import type { FluxModel, ModelInfo } from "./types.js";

export interface LoadFluxModelOptions {
  /** A Flux ONNX export in Optimum's layout; undefined runs the tiny demo model. */
  dir?: string;
  /** auto: CUDA when it works, else the CPU (said loudly); cuda: CUDA or refuse to load; cpu. */
  executionProvider: ExecutionProviderSetting;
  /** TEXT_ENCODER_PROVIDER: "cpu" runs CLIP and T5 on the CPU whatever executionProvider says. */
  textEncoderProvider?: PartPlacement;
  /** VAE_PROVIDER: "cpu" runs the VAE on the CPU. */
  vaeProvider?: PartPlacement;
  /** The working size to check the model against at load (TARGET_MEGAPIXELS); unchecked when absent. */
  targetMegapixels?: number;
  logger?: Logger;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Turns onnxruntime's refusal to open a file into words: a missing weight file, not a model, or its own message. */
async function explainOpenFailure(err: SessionHostError, component: string): Promise<ModelLoadError> {
  const file = err.file ?? "";
  try {
    const info = await readOnnxFileInfo(file);
    for (const data of info.externalDataFiles) {
      const full = path.join(path.dirname(file), data);
      if (!(await exists(full))) {
        return new ModelLoadError(
          `The ${component} weights file is missing: ${file} keeps its weights in ${full}.`,
          full,
          {
            cause: err,
          },
        );
      }
    }
  } catch (parseErr) {
    return new ModelLoadError(
      `${file} is not a valid ONNX model (${parseErr instanceof Error ? parseErr.message : String(parseErr)}).`,
      file,
      { cause: err },
    );
  }
  return new ModelLoadError(`onnxruntime cannot load the ${component} model ${file}: ${err.message}`, file, {
    cause: err,
  });
}

function fixedDim(
  sig: ModelSignature,
  side: "inputs" | "outputs",
  name: string,
  axis: number,
): number | null {
  const d = sig[side].find((t) => t.name === name)?.shape[axis];
  return typeof d === "number" ? d : null;
}

function checkSignatures(folder: ModelFolder, signatures: Record<string, ModelSignature>): void {
  const problems: Array<{ message: string; location: string }> = [];
  for (const spec of COMPONENTS) {
    const file = folder.onnxFiles[spec.name];
    for (const message of signatureProblems(spec, signatures[spec.name], file))
      problems.push({ message, location: file });
  }
  if (problems.length > 0) {
    const message =
      problems.length === 1
        ? problems[0].message
        : `The model in ${folder.dir} does not match a Flux export:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`;
    throw new ModelLoadError(message, problems[0].location);
  }
}

/** Text widths from the transformer's declared shapes or config, checked against the text encoders'. */
function textDims(
  folder: ModelFolder,
  sigs: Record<string, ModelSignature>,
): { textDim: number; pooledDim: number } {
  const cfg = folder.transformerConfig;
  const tf = folder.onnxFiles.transformer;
  const textDim =
    fixedDim(sigs.transformer, "inputs", "encoder_hidden_states", 2) ??
    (typeof cfg.joint_attention_dim === "number" ? cfg.joint_attention_dim : null);
  const pooledDim =
    fixedDim(sigs.transformer, "inputs", "pooled_projections", 1) ??
    (typeof cfg.pooled_projection_dim === "number" ? cfg.pooled_projection_dim : null);
  if (textDim === null || pooledDim === null) {
    throw new ModelLoadError(
      `Cannot tell the transformer's text widths: ${tf} has no fixed encoder_hidden_states / pooled_projections width and its config.json lacks joint_attention_dim / pooled_projection_dim.`,
      tf,
    );
  }
  const t5Dim = fixedDim(sigs.text_encoder_2, "outputs", "last_hidden_state", 2);
  if (t5Dim !== null && t5Dim !== textDim) {
    throw new ModelLoadError(
      `The T5 encoder gives ${t5Dim}-wide features but the transformer takes ${textDim}: the two come from different models.`,
      folder.onnxFiles.text_encoder_2,
    );
  }
  const clipDim = fixedDim(sigs.text_encoder, "outputs", "pooler_output", 1);
  if (clipDim !== null && clipDim !== pooledDim) {
    throw new ModelLoadError(
      `The CLIP encoder pools to ${clipDim} values but the transformer takes ${pooledDim}: the two come from different models.`,
      folder.onnxFiles.text_encoder,
    );
  }
  return { textDim, pooledDim };
}

async function loadClipTokenizer(folder: ModelFolder): Promise<ClipTokenizer> {
  try {
    return await ClipTokenizer.load(folder.clipTokenizer);
  } catch (err) {
    throw new ModelLoadError(
      `The CLIP tokenizer in ${path.dirname(folder.clipTokenizer.vocabFile)} cannot be read: ${err instanceof Error ? err.message : String(err)}.`,
      folder.clipTokenizer.vocabFile,
      { cause: err },
    );
  }
}

async function loadT5Tokenizer(folder: ModelFolder, maxTokens: number): Promise<T5Tokenizer> {
  try {
    return await T5Tokenizer.load(folder.t5Tokenizer, maxTokens);
  } catch (err) {
    throw new ModelLoadError(
      `The T5 tokenizer ${folder.t5Tokenizer.tokenizerFile} cannot be read: ${err instanceof Error ? err.message : String(err)}.`,
      folder.t5Tokenizer.tokenizerFile,
      { cause: err },
    );
  }
}

/**
 * Loads a Flux ONNX export (or, without `dir`, the tiny demo model) and returns the model the editing
 * recipe calls. Sessions run in a worker thread. Problems with the folder throw ModelLoadError.
 */
export async function loadFluxModel(options: LoadFluxModelOptions): Promise<FluxModel> {
  const logger = options.logger ?? createLogger({ name: "flux-model" });
  const dir = options.dir ?? (await ensureTinyModel());
  const folder = await readModelFolder(dir);
  const clip = await loadClipTokenizer(folder);
  const requested = requestedProviders({
    executionProvider: options.executionProvider,
    textEncoders: options.textEncoderProvider,
    vae: options.vaeProvider,
  });

  const host = new SessionHost();
  try {
    let opened: Awaited<ReturnType<SessionHost["open"]>>;
    try {
      opened = await host.open(
        COMPONENTS.map(({ name }) => ({
          key: name,
          file: folder.onnxFiles[name],
          provider: requested[name],
        })),
      );
    } catch (err) {
      if (err instanceof SessionHostError && err.code === "cuda-unavailable") {
        throw new ExecutionProviderError(
          `EXECUTION_PROVIDER=cuda, but ${err.key ?? "the model"} cannot run on CUDA: ${err.message}. ` +
            'Fix: run `npm run gpu:install-cuda` on a host with an NVIDIA GPU, CUDA 13 and cuDNN 9 (README, "GPU hosts"), ' +
            "or set EXECUTION_PROVIDER=auto (falls back to the CPU, very slow for FLUX.1) or cpu.",
          err.file ?? folder.dir,
          { cause: err },
        );
      }
      if (err instanceof SessionHostError && err.file) {
        const component = COMPONENTS.find((c) => c.name === (err.key as ComponentName))?.what ?? "model";
        throw await explainOpenFailure(err, component);
      }
      throw err;
    }
    for (const note of opened.notes)
      logger[note.level]({ executionProvider: options.executionProvider }, note.message);
    const sigs = opened.signatures;
    checkSignatures(folder, sigs);
    const { textDim, pooledDim } = textDims(folder, sigs);
    const variant = detectVariant(sigs.transformer);
    const { schedule, source: scheduleSource } = await readFolderSchedule(folder.dir, variant);
    const t5Length = await t5Limit(variant, folder.t5Tokenizer.configFiles, sigs.text_encoder_2);
    const t5 = await loadT5Tokenizer(folder, t5Length.maxTokens);
    const rank = (name: string) => sigs.transformer.inputs.find((i) => i.name === name)?.shape.length ?? 2;
    const inputType = (name: string) =>
      sigs.transformer.inputs.find((i) => i.name === name)?.type ?? "float32";
    const clipIdsType =
      sigs.text_encoder.inputs.find((i) => i.name === "input_ids")?.type === "int32" ? "int32" : "int64";
    const providers = opened.providers as Record<ComponentName, "cuda" | "cpu">;
    const info: ModelInfo = {
      id: folder.id,
      name: folder.isTiny
        ? `tiny demo model (FLUX.1-${variant} layout)`
        : (folder.sourceName ?? `FLUX.1-${variant}`),
      variant,
      isDemo: folder.isTiny || options.dir === undefined,
      hasGuidance: variant === "dev",
      executionProvider: providers.transformer,
      textDim,
      pooledDim,
      maxPromptTokens: t5.maxTokens,
      schedule,
      providers,
      providerFallback: opened.fallback,
    };
    if (options.targetMegapixels !== undefined) {
      await checkWorkingSize({
        targetMegapixels: options.targetMegapixels,
        folder,
        transformerConfig: folder.transformerConfig,
        t5Tokens: t5.maxTokens,
        onGpu: providers.transformer === "cuda",
        fusedAttention: await hasFusedAttention(folder.onnxFiles.transformer),
      });
    }
    logger.info(
      {
        model: info.name,
        dir: folder.dir,
        variant,
        executionProvider: info.executionProvider,
        providers,
        requested: options.executionProvider,
        schedule: describeSchedule(schedule),
        scheduleSource,
        t5Tokens: t5.maxTokens,
        t5Source: t5Length.source,
      },
      `Flux model loaded on ${describeProviders(providers)}`,
    );
    if (variant === "schnell")
      logger.warn("FLUX.1-schnell inverts poorly; edits will keep less of the picture than with FLUX.1-dev");
    return new OnnxFluxModel({
      info,
      host,
      clip,
      t5,
      vae: folder.vae,
      idsRank: { img: rank("img_ids"), txt: rank("txt_ids") },
      idsType: { img: inputType("img_ids"), txt: inputType("txt_ids") },
      clipIdsType,
      logger,
    });
  } catch (err) {
    await host.close();
    throw err;
  }
}
