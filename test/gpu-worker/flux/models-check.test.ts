import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { checkModelFolder } from "../../../gpu-worker/src/flux/check-model-folder.js";
import { removeDir, renameModelInput, setInputWidth, tinyModelDir } from "./tiny-fixtures.js";

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const CLI = path.join(REPO, "gpu-worker", "src", "cli", "models-check.ts");

async function cli(dir: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", CLI, dir], { cwd: REPO });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe("models:check", () => {
  const dirs: string[] = [];
  const tiny = async (options = {}) => {
    const d = await tinyModelDir(options);
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it("passes a good folder and says what it found", async () => {
    const report = await checkModelFolder(
      await tiny({ variant: "schnell", precision: "fp16", externalData: true }),
    );
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
    assert.match(report.facts[0], /FLUX\.1-schnell layout.*text width 32, pooled width 16/);
    assert.ok(report.facts.some((f) => /transformer: float16 tensors, external weights/.test(f)));
  });

  it("names a renamed input, a missing weights file and a missing model in one report", async () => {
    const dir = await tiny({ externalData: true });
    const transformer = await renameModelInput(dir, "transformer", "pooled_projections", "pooled");
    await rm(path.join(dir, "text_encoder_2", "model.onnx_data"));
    await rm(path.join(dir, "vae_encoder", "model.onnx"));
    const report = await checkModelFolder(dir);
    assert.equal(report.ok, false);
    const text = report.problems.join("\n");
    assert.match(
      text,
      new RegExp(`${transformer}: the Flux transformer has no input named "pooled_projections"`),
    );
    assert.match(
      text,
      /text_encoder_2\/model\.onnx keeps its weights in .*text_encoder_2\/model\.onnx_data, which is missing/,
    );
    assert.match(text, /The vae_encoder model is missing/);
  });

  it("names text encoders whose widths do not fit the transformer", async () => {
    const dir = await tiny();
    await setInputWidth(dir, "transformer", "pooled_projections", 1, 24);
    await setInputWidth(dir, "transformer", "encoder_hidden_states", 2, 48);
    const report = await checkModelFolder(dir);
    assert.equal(report.ok, false);
    assert.deepEqual(report.problems, [
      "The T5 encoder gives 32-wide features but the transformer takes 48.",
      "The CLIP encoder pools to 16 values but the transformer takes 24.",
    ]);
  });

  it("exits 0 on a good folder and 1 with the problem in words on a broken one", async () => {
    const good = await tiny();
    const ok = await cli(good);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /^OK: /);
    const broken = await tiny();
    await rm(path.join(broken, "tokenizer", "vocab.json"));
    const bad = await cli(broken);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /has 1 problem:\n {2}- The CLIP tokenizer's vocab\.json is missing: expected .*vocab\.json\./,
    );
  });
});
