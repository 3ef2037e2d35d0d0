import { stat } from "node:fs/promises";
import path from "node:path";
import { CUDA_OVERHEAD_BYTES, GIB } from "./memory-estimate.js";
import { detectVariant, type ModelFolder, scanModelFolder } from "./model-folder.js";
import { COMPONENTS, type ComponentName, type ModelSignature, signatureProblems } from "./model-spec.js";
import { cudaInstallHint, cudaProviderStatus } from "./onnx/cuda-provider.js";
import { type OnnxFileInfo, readOnnxFileInfo } from "./onnx/onnx-signature.js";
import { describeProviders, type PlacementSettings, requestedProviders } from "./placement.js";
import { describeSchedule, readFolderSchedule } from "./scheduler-config.js";
import { partFileBytes } from "./size-limits.js";
import { t5Limit } from "./text-limits.js";
import { ClipTokenizer } from "./tokenizers/clip-tokenizer.js";
import { T5Tokenizer } from "./tokenizers/t5-tokenizer.js";

export interface ModelCheckReport {
  dir: string;
  ok: boolean;
  /** Everything wrong, in words, each naming its file. */
  problems: string[];
  /** What was found, for a person to read when all is well. */
  facts: string[];
  /** What the worker will use with these settings, in words: variant, schedule, T5, placement, memory. */
  plan: string[];
}

/** The settings that decide how a folder runs (EXECUTION_PROVIDER and friends). */
export interface CheckSettings extends PlacementSettings {
  targetMegapixels: number;
}

const DEFAULT_SETTINGS: CheckSettings = { executionProvider: "auto", targetMegapixels: 1 };

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function width(
  sig: ModelSignature | undefined,
  side: "inputs" | "outputs",
  name: string,
  axis: number,
): number | null {
  const d = sig?.[side].find((t) => t.name === name)?.shape[axis];
  return typeof d === "number" ? d : null;
}

/**
 * Checks a Flux export folder without starting any session: files, configs, tokenisers, and each ONNX
 * file's input and output names, ranks and types, read from the files themselves.
 */
export async function checkModelFolder(
  dir: string,
  settings: CheckSettings = DEFAULT_SETTINGS,
): Promise<ModelCheckReport> {
  const root = path.resolve(dir);
  const { folder, problems: folderProblems } = await scanModelFolder(root);
  const problems = folderProblems.map((p) => p.message);
  const facts: string[] = [];
  const sigs: Partial<Record<ComponentName, OnnxFileInfo>> = {};
  const plan: string[] = [];

  for (const spec of COMPONENTS) {
    const file = path.join(root, spec.name, "model.onnx");
    if (!(await exists(file))) continue;
    try {
      const info = await readOnnxFileInfo(file);
      sigs[spec.name] = info;
      problems.push(...signatureProblems(spec, info, file));
      for (const data of info.externalDataFiles) {
        const full = path.join(path.dirname(file), data);
        if (!(await exists(full))) problems.push(`${file} keeps its weights in ${full}, which is missing.`);
      }
      const types = new Set(
        [...info.inputs, ...info.outputs].map((t) => t.type).filter((t) => t.startsWith("float")),
      );
      facts.push(
        `${spec.name}: ${[...types].join("/") || "no float"} tensors${info.externalDataFiles.length ? ", external weights" : ""}`,
      );
    } catch (err) {
      problems.push(
        `${file} is not a valid ONNX model (${err instanceof Error ? err.message : String(err)}).`,
      );
    }
  }

  if (folder) {
    try {
      await ClipTokenizer.load(folder.clipTokenizer);
    } catch (err) {
      problems.push(
        `The CLIP tokenizer in ${path.dirname(folder.clipTokenizer.vocabFile)} cannot be read: ${String(err)}.`,
      );
    }
    try {
      await T5Tokenizer.load(folder.t5Tokenizer);
    } catch (err) {
      problems.push(`The T5 tokenizer ${folder.t5Tokenizer.tokenizerFile} cannot be read: ${String(err)}.`);
    }
  }

  const textDim = width(sigs.transformer, "inputs", "encoder_hidden_states", 2);
  const t5Dim = width(sigs.text_encoder_2, "outputs", "last_hidden_state", 2);
  if (textDim !== null && t5Dim !== null && textDim !== t5Dim) {
    problems.push(`The T5 encoder gives ${t5Dim}-wide features but the transformer takes ${textDim}.`);
  }
  const pooledDim = width(sigs.transformer, "inputs", "pooled_projections", 1);
  const clipDim = width(sigs.text_encoder, "outputs", "pooler_output", 1);
  if (pooledDim !== null && clipDim !== null && pooledDim !== clipDim) {
    problems.push(`The CLIP encoder pools to ${clipDim} values but the transformer takes ${pooledDim}.`);
  }
  const encoded = width(sigs.vae_encoder, "outputs", "latent_parameters", 1);
  const decoded = width(sigs.vae_decoder, "inputs", "latent_sample", 1);
  if (encoded !== null && decoded !== null && encoded !== 2 * decoded) {
    problems.push(
      `The VAE encoder gives ${encoded} channels but the decoder takes ${decoded} (expected half: mean, then log-variance).`,
    );
  }
  if (sigs.transformer) {
    const variant = detectVariant(sigs.transformer);
    facts.unshift(
      `FLUX.1-${variant} layout${folder?.isTiny ? " (rf-edit's tiny demo model)" : ""}, text width ${textDim ?? "?"}, pooled width ${pooledDim ?? "?"}`,
    );
    if (folder && problems.length === 0) {
      try {
        plan.push(
          ...(await describePlan(folder, sigs as Record<ComponentName, OnnxFileInfo>, settings, problems)),
        );
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
  }
  return { dir: root, ok: problems.length === 0, problems, facts, plan };
}

function precisionOf(info: OnnxFileInfo): string {
  const floats = new Set(
    [...info.inputs, ...info.outputs].map((t) => t.type).filter((t) => t.startsWith("float")),
  );
  const base = floats.has("float16") ? "fp16" : floats.has("float32") ? "fp32" : [...floats].join("/");
  return info.bfloat16 ? `${base} (bf16 where fp16 overflows)` : base;
}

const gib = (bytes: number) =>
  bytes >= GIB / 10 ? `${(bytes / GIB).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** What the worker will use, as the loader decides it, without opening a session. */
async function describePlan(
  folder: ModelFolder,
  sigs: Record<ComponentName, OnnxFileInfo>,
  settings: CheckSettings,
  problems: string[],
): Promise<string[]> {
  const variant = detectVariant(sigs.transformer);
  const { schedule, source } = await readFolderSchedule(folder.dir, variant);
  const t5 = await t5Limit(variant, folder.t5Tokenizer.configFiles, sigs.text_encoder_2);
  const lines = [
    `variant: FLUX.1-${variant}${folder.isTiny ? " (tiny demo model)" : ""}`,
    `schedule: ${describeSchedule(schedule)} (from ${source})`,
    `T5 length: ${t5.maxTokens} tokens (${t5.source}); longer prompts are refused`,
    `guidance: ${variant === "dev" ? "yes (the transformer takes guidance)" : "no (the transformer has no guidance input)"}`,
    `precision: ${COMPONENTS.map((c) => `${c.name} ${precisionOf(sigs[c.name])}`).join(", ")}`,
    `attention: ${sigs.transformer.fusedAttention ? "fused (MultiHeadAttention)" : "not fused (no optimised attention: run npm run models:export)"}`,
  ];

  // Where each part will run: the CUDA provider's files decide `auto` before any session starts.
  const requested = requestedProviders(settings);
  const cuda = cudaProviderStatus();
  const where = {} as Record<ComponentName, "cuda" | "cpu">;
  for (const c of COMPONENTS) where[c.name] = requested[c.name] === "cpu" || !cuda.installed ? "cpu" : "cuda";
  let providerLine = `execution provider: ${describeProviders(where)} (EXECUTION_PROVIDER=${settings.executionProvider}`;
  if (settings.textEncoders === "cpu") providerLine += ", TEXT_ENCODER_PROVIDER=cpu";
  if (settings.vae === "cpu") providerLine += ", VAE_PROVIDER=cpu";
  providerLine += ")";
  lines.push(providerLine);
  const wantsCuda = Object.values(requested).some((p) => p !== "cpu");
  if (wantsCuda && !cuda.installed) {
    const why = `the CUDA provider of onnxruntime-node ${cuda.version} is not installed; ${cudaInstallHint(cuda)}`;
    if (Object.values(requested).includes("cuda")) {
      problems.push(`EXECUTION_PROVIDER=cuda, but ${why}. The worker will refuse to start.`);
    } else {
      lines.push(`WARNING: EXECUTION_PROVIDER=auto will run on the CPU: ${why}.`);
    }
  } else if (wantsCuda) {
    lines.push(
      "CUDA: the provider is installed; whether the GPU, CUDA 13 and cuDNN 9 work shows when the worker starts.",
    );
  }

  // GPU memory: the weights of the parts on the GPU (file sizes) plus the transformer's attention.
  let onGpu = 0;
  let all = 0;
  for (const c of COMPONENTS) {
    const bytes = await partFileBytes(folder.onnxFiles[c.name]);
    all += bytes;
    if (requested[c.name] !== "cpu") onGpu += bytes;
  }
  const heads = Number(folder.transformerConfig.num_attention_heads ?? 24);
  const tokens = Math.ceil((settings.targetMegapixels * 1e6) / 256) + t5.maxTokens;
  const attention = sigs.transformer.fusedAttention ? 0 : heads * tokens * tokens * 4;
  const estimate = onGpu + attention + CUDA_OVERHEAD_BYTES;
  lines.push(
    `GPU memory needed on CUDA: about ${gib(estimate)} at ${settings.targetMegapixels} MP (${gib(onGpu)} of weights on the GPU` +
      `${attention ? ` + ${gib(attention)} per unfused attention matrix` : ""} + ${gib(CUDA_OVERHEAD_BYTES)} for CUDA; ` +
      `the whole folder is ${gib(all)})`,
  );
  return lines;
}
