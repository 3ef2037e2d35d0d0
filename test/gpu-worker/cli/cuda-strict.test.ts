import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { cudaProviderStatus } from "../../../gpu-worker/src/flux/onnx/cuda-provider.js";
import { REDIS_URL, uniquePrefix } from "../../support/stack.js";

const ROOT = join(import.meta.dirname, "../../..");

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const full = { ...process.env, ...env };
  delete full.MODEL_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: full });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** No stack frames: a setting to fix is said in words. */
function assertNoStack(out: string): void {
  assert.doesNotMatch(out, /\n\s+at .+:\d+:\d+/);
}

describe("EXECUTION_PROVIDER=cuda on a host without CUDA stops in words", {
  skip: cudaProviderStatus().installed ? "this host has the CUDA provider" : false,
}, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "rf-edit-cuda-"));
    await writeFile(
      join(dir, "in.png"),
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#48c" } })
        .png()
        .toBuffer(),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("the command line", async () => {
    const r = await run(
      [
        "gpu-worker/src/cli/edit.ts",
        "--image",
        join(dir, "in.png"),
        "--prompt",
        "winter",
        "--out",
        join(dir, "out.png"),
      ],
      { EXECUTION_PROVIDER: "cuda" },
    );
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /^error: EXECUTION_PROVIDER=cuda, but transformer cannot run on CUDA: the CUDA provider of onnxruntime-node .* is not installed/m,
    );
    assert.match(r.out, /npm run gpu:install-cuda/);
    assertNoStack(r.out);
  });

  it("the worker process", async () => {
    const r = await run(["src/main.ts"], {
      ROLE: "worker",
      EXECUTION_PROVIDER: "cuda",
      REDIS_URL,
      KEY_PREFIX: uniquePrefix("cudastrict"),
      METRICS_PORT: "0",
      LOG_LEVEL: "warn",
    });
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /rf-edit failed to start: EXECUTION_PROVIDER=cuda, but transformer cannot run on CUDA/,
    );
    assert.match(r.out, /set EXECUTION_PROVIDER=auto/);
    assertNoStack(r.out);
  });
});
