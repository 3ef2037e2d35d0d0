import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cudaProviderStatus } from "../../../gpu-worker/src/flux/onnx/cuda-provider.js";

const ROOT = join(import.meta.dirname, "../../..");

describe("bench/gpu.ts", () => {
  it("on a host without CUDA, stops at once and says what is missing", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/gpu.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, MODEL_DIR: "/nonexistent/flux" },
    });
    if (cudaProviderStatus().installed) {
      // A GPU host: the bench runs (or refuses the folder) instead; its numbers are for the README.
      assert.notEqual(r.stderr.includes("no CUDA on this host"), true);
      return;
    }
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^bench:gpu: no CUDA on this host, so nothing was measured: the CUDA provider of onnxruntime-node .* is not installed: run `npm run gpu:install-cuda`/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
    assert.equal(r.stdout, "");
  });

  it("refuses bad arguments in words", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/gpu.ts", "--size", "1000"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--size a multiple of 16/);
  });
});
