import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { checkModelFolder } from "../../../gpu-worker/src/flux/check-model-folder.js";
import { cudaProviderStatus } from "../../../gpu-worker/src/flux/onnx/cuda-provider.js";
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

  it("says what the worker will use: variant, schedule, T5 length, guidance, precision, providers, memory", async () => {
    const schnell = await checkModelFolder(await tiny({ variant: "schnell", precision: "fp16" }), {
      executionProvider: "cpu",
      targetMegapixels: 1,
    });
    assert.deepEqual(schnell.problems, []);
    const text = schnell.plan.join("\n");
    assert.match(text, /variant: FLUX\.1-schnell/);
    assert.match(text, /schedule: unshifted \(linear\) \(from .*scheduler_config\.json\)/);
    assert.match(text, /T5 length: 256 tokens/);
    assert.match(text, /guidance: no/);
    assert.match(
      text,
      /precision: transformer fp16, vae_encoder fp16, vae_decoder fp16, text_encoder fp16, text_encoder_2 fp16/,
    );
    assert.match(
      text,
      /execution provider: transformer cpu, vae cpu, text encoders cpu \(EXECUTION_PROVIDER=cpu\)/,
    );
    assert.match(text, /attention: not fused/);
    // 1 MP + 256 text tokens, one head: (3907 + 256)^2 x 4 bytes.
    assert.match(text, /GPU memory needed on CUDA: about .* \+ 66\.1 MiB per unfused attention matrix/);

    const dev = await checkModelFolder(await tiny(), {
      executionProvider: "auto",
      textEncoders: "cpu",
      targetMegapixels: 1,
    });
    const devText = dev.plan.join("\n");
    assert.match(devText, /schedule: shifted by resolution \(mu 0\.5 at 256 tokens to 1\.15 at 4096\)/);
    assert.match(devText, /T5 length: 512 tokens/);
    assert.match(devText, /guidance: yes/);
    assert.match(devText, /precision: transformer fp32/);
    assert.match(devText, /TEXT_ENCODER_PROVIDER=cpu/);
  });

  it("a host without the CUDA provider: cuda is a problem, auto a loud warning", async () => {
    const dir = await tiny();
    const installed = cudaProviderStatus().installed;
    const strict = await checkModelFolder(dir, { executionProvider: "cuda", targetMegapixels: 1 });
    const auto = await checkModelFolder(dir, { executionProvider: "auto", targetMegapixels: 1 });
    if (installed) {
      assert.equal(strict.ok, true);
      return;
    }
    assert.equal(strict.ok, false);
    assert.match(
      strict.problems.join("\n"),
      /EXECUTION_PROVIDER=cuda, but the CUDA provider .* is not installed.*npm run gpu:install-cuda.*refuse to start/,
    );
    assert.equal(auto.ok, true);
    assert.match(auto.plan.join("\n"), /WARNING: EXECUTION_PROVIDER=auto will run on the CPU/);
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
