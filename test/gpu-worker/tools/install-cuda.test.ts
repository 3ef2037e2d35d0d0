import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { onnxruntimeNodeDir } from "../../../gpu-worker/src/flux/onnx/cuda-provider.js";
import { cudaMajorVersions, elfNeededLibraries } from "../../../gpu-worker/tools/cuda/elf-needed.js";

const ROOT = join(import.meta.dirname, "../../..");

describe("npm run gpu:install-cuda", () => {
  it("offline: exits non-zero saying what could not be downloaded and how to install it by hand", async (t) => {
    // An HTTP proxy on loopback that refuses every tunnel: the installer's only way out, so nothing
    // leaves this machine, and the run is what an offline host sees.
    const tunnels: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(403).end());
    proxy.on("connect", (req, socket) => {
      tunnels.push(req.url ?? "");
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    t.after(() => proxy.close());
    const port = (proxy.address() as AddressInfo).port;
    // npm's environment as `npm run` sets it, with .npmrc's skip: the script must not be fooled by it.
    const env = {
      ...process.env,
      GLOBAL_AGENT_HTTPS_PROXY: `http://127.0.0.1:${port}`,
      npm_config_local_prefix: ROOT,
      npm_package_json: join(ROOT, "package.json"),
      npm_config_onnxruntime_node_install: "skip",
      ONNXRUNTIME_NODE_INSTALL: "cuda12",
    };
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "gpu-worker/tools/install-cuda-provider.ts", "--force"],
        { cwd: ROOT, env },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out, err }));
    });
    assert.equal(result.code, 1);
    assert.deepEqual(
      tunnels,
      ["api.nuget.org:443"],
      "it really tried the NuGet feed, through the proxy only",
    );
    const version = JSON.parse(readFileSync(join(onnxruntimeNodeDir(), "package.json"), "utf8")).version;
    assert.match(
      result.err,
      new RegExp(
        `could not download Microsoft\\.ML\\.OnnxRuntime\\.Gpu\\.Linux ${version.replace(/\./g, "\\.")} from https://api\\.nuget\\.org/v3/index\\.json: .*refused`,
      ),
    );
    assert.match(result.err, /v3-flatcontainer\/microsoft\.ml\.onnxruntime\.gpu\.linux\/.*\.nupkg/);
    assert.match(result.err, /runtimes\/linux-x64\/native\/libonnxruntime_providers_cuda\.so/);
    assert.doesNotMatch(result.err, /\n\s+at .+:\d+:\d+/, "no stack trace");
  });

  it("reads which libraries a provider links against from the ELF file itself", () => {
    const bin = join(onnxruntimeNodeDir(), "bin", "napi-v6", "linux", "x64");
    const binding = elfNeededLibraries(readFileSync(join(bin, "onnxruntime_binding.node")));
    assert.ok(binding.includes("libonnxruntime.so.1"), binding.join(", "));
    const runtime = elfNeededLibraries(readFileSync(join(bin, "libonnxruntime.so.1")));
    assert.ok(runtime.includes("libc.so.6") && runtime.includes("libstdc++.so.6"), runtime.join(", "));
    assert.throws(
      () => elfNeededLibraries(Buffer.from("not an elf file at all, really, no".repeat(3))),
      /not an ELF file/,
    );
    assert.deepEqual(
      cudaMajorVersions(["libcublasLt.so.13", "libcudart.so.13", "libcudnn.so.9", "libc.so.6"]),
      {
        cuda: 13,
        cudnn: 9,
      },
    );
    assert.deepEqual(cudaMajorVersions(runtime), { cuda: null, cudnn: null });
  });
});
