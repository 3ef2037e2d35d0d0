import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = join(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "gpu-worker", "tools", "export", "export_flux.py");

/** The export script as `npm run models:export` runs it; `isolated` hides every installed package. */
function exportFlux(args: string[], isolated = false) {
  const r = spawnSync("python3", [...(isolated ? ["-S"] : []), SCRIPT, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("npm run models:export", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "rf-edit-export-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is the package script, with pinned requirements", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    assert.equal(pkg.scripts["models:export"], "python3 gpu-worker/tools/export/export_flux.py");
    const reqs = (await readFile(join(ROOT, "gpu-worker/tools/export/requirements.txt"), "utf8"))
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
    for (const pkgName of ["torch", "diffusers", "transformers", "optimum-onnx", "onnx", "onnxruntime"])
      assert.ok(
        reqs.some((l) => l.startsWith(`${pkgName}==`)),
        `${pkgName} is pinned`,
      );
    for (const line of reqs)
      assert.match(line, /^[A-Za-z0-9_.-]+==\d[\w.]*$/, `${line} is pinned to one version`);
    const ortNode = JSON.parse(
      await readFile(join(ROOT, "node_modules/onnxruntime-node/package.json"), "utf8"),
    ).version;
    assert.ok(
      reqs.includes(`onnxruntime==${ortNode}`),
      "the optimizer is the same ONNX Runtime the worker runs",
    );
  });

  it("--dry-run prints the complete plan: Optimum's export, ONNX Runtime's Flux optimizer, the check", () => {
    const out = join(dir, "flux-dev");
    const r = exportFlux(["--dry-run", "--model", "black-forest-labs/FLUX.1-dev", "--out", out]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split("\n");
    assert.equal(lines[0], `Plan: FLUX.1-dev from black-forest-labs/FLUX.1-dev to ${out} in bf16`);
    assert.ok(
      lines.includes(
        `   optimum-cli export onnx --model black-forest-labs/FLUX.1-dev --task text-to-image --opset 15 --device cpu ${out}.fp32-export`,
      ),
      r.out,
    );
    assert.match(
      r.out,
      new RegExp(
        `-m onnxruntime\\.transformers\\.models\\.stable_diffusion\\.optimize_pipeline -i ${out}\\.fp32-export -o ${out} --use_external_data_format --float16 --bfloat16\\n`,
      ),
    );
    assert.ok(lines.includes(`   npm run --silent models:check -- ${out}`));
    assert.ok(lines.includes(`4. remove the fp32 export ${out}.fp32-export`));
    assert.ok(lines.includes(`Then: MODEL_DIR=${out} npm start`));
  });

  it("fp16 keeps fp32 where fp16 overflows, fp32 only fuses; --keep-work and --work are honoured", () => {
    const out = join(dir, "s");
    const fp16 = exportFlux([
      "--dry-run",
      "--model",
      "black-forest-labs/FLUX.1-schnell",
      "--out",
      out,
      "--precision",
      "fp16",
    ]);
    assert.match(fp16.out, /Plan: FLUX\.1-schnell .* in fp16/);
    assert.match(fp16.out, /--use_external_data_format --float16\n/);
    assert.doesNotMatch(fp16.out, /--bfloat16/);
    const fp32 = exportFlux([
      "--dry-run",
      "--model",
      "black-forest-labs/FLUX.1-schnell",
      "--out",
      out,
      "--precision",
      "fp32",
      "--work",
      join(dir, "w"),
      "--keep-work",
      "--device",
      "cuda",
    ]);
    assert.doesNotMatch(fp32.out, /--float16/);
    assert.match(fp32.out, /--device cuda /);
    assert.match(fp32.out, new RegExp(`-i ${join(dir, "w")} -o ${out}`));
    assert.match(fp32.out, new RegExp(`4\\. keep the fp32 export in ${join(dir, "w")}`));
  });

  it("reads the variant from a local diffusers folder and refuses a --variant that contradicts it", async () => {
    const local = join(dir, "FLUX.1-local");
    await mkdir(join(local, "transformer"), { recursive: true });
    await writeFile(join(local, "transformer", "config.json"), JSON.stringify({ guidance_embeds: false }));
    const ok = exportFlux(["--dry-run", "--model", local, "--out", join(dir, "o")]);
    assert.match(ok.out, /^Plan: FLUX\.1-schnell from /);
    const wrong = exportFlux(["--dry-run", "--model", local, "--out", join(dir, "o"), "--variant", "dev"]);
    assert.equal(wrong.code, 2);
    assert.match(
      wrong.err,
      /--variant dev, but .*config\.json \(guidance_embeds false\) says FLUX\.1-schnell/,
    );
    const unnamed = exportFlux(["--dry-run", "--model", "someone/some-model", "--out", join(dir, "o")]);
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.err, /cannot tell dev from schnell .* add --variant dev or --variant schnell/);
  });

  it("refuses wrong arguments with exit code 2 and says which", async () => {
    const noOut = exportFlux(["--model", "black-forest-labs/FLUX.1-dev"]);
    assert.equal(noOut.code, 2);
    assert.match(noOut.err, /the following arguments are required: --out/);
    const fp8 = exportFlux([
      "--model",
      "black-forest-labs/FLUX.1-dev",
      "--out",
      join(dir, "x"),
      "--precision",
      "fp8",
    ]);
    assert.equal(fp8.code, 2);
    assert.match(fp8.err, /invalid choice: 'fp8'/);
    const full = join(dir, "full");
    await mkdir(full, { recursive: true });
    await writeFile(join(full, "keep.txt"), "x");
    const exists = exportFlux(["--model", "black-forest-labs/FLUX.1-dev", "--out", full]);
    assert.equal(exists.code, 2);
    assert.match(exists.err, /exists and is not empty: add --overwrite/);
  });

  it("checks its Python packages first and says what to install (exit 3)", () => {
    const r = exportFlux(["--model", "black-forest-labs/FLUX.1-dev", "--out", join(dir, "none")], true);
    assert.equal(r.code, 3);
    assert.match(
      r.err,
      /missing Python packages: torch, diffusers, transformers, optimum-onnx, onnx, onnxruntime/,
    );
    assert.match(r.err, /-m pip install -r .*gpu-worker\/tools\/export\/requirements\.txt/);
  });
});
