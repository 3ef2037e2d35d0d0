import { stat } from "node:fs/promises";
import path from "node:path";
import { detectVariant, scanModelFolder } from "./model-folder.js";
import { COMPONENTS, type ComponentName, type ModelSignature, signatureProblems } from "./model-spec.js";
import { readOnnxFileInfo } from "./onnx/onnx-signature.js";
import { ClipTokenizer } from "./tokenizers/clip-tokenizer.js";
import { T5Tokenizer } from "./tokenizers/t5-tokenizer.js";

export interface ModelCheckReport {
  dir: string;
  ok: boolean;
  /** Everything wrong, in words, each naming its file. */
  problems: string[];
  /** What was found, for a person to read when all is well. */
  facts: string[];
}

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
export async function checkModelFolder(dir: string): Promise<ModelCheckReport> {
  const root = path.resolve(dir);
  const { folder, problems: folderProblems } = await scanModelFolder(root);
  const problems = folderProblems.map((p) => p.message);
  const facts: string[] = [];
  const sigs: Partial<Record<ComponentName, ModelSignature>> = {};

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
  }
  return { dir: root, ok: problems.length === 0, problems, facts };
}
