/**
 * `npm run gpu:install-cuda [-- --force]`: installs onnxruntime-node's CUDA execution provider for the
 * installed onnxruntime-node version, then checks it is there and says which CUDA and cuDNN it needs.
 *
 * It runs onnxruntime-node's own script/install.js (which downloads the Microsoft.ML.OnnxRuntime.Gpu.Linux
 * NuGet package of the same version and copies the provider libraries next to the binding), working
 * around two things that make `ONNXRUNTIME_NODE_INSTALL=cuda12 npm run ...` a silent no-op: its flag
 * parser (install-utils.js, parseInstallFlag) accepts true/1/ON/skip and drops any other value, and
 * under `npm run` the npm_* variables make it take itself for a local install and exit 0. So the script
 * runs with ONNXRUNTIME_NODE_INSTALL=true and without npm's environment.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  CUDA_PROVIDER_FILES,
  cudaProviderStatus,
  onnxruntimeNodeDir,
} from "../src/flux/onnx/cuda-provider.js";
import { cudaMajorVersions, elfNeededLibraries } from "./cuda/elf-needed.js";
import { missingLibraries } from "./cuda/library-lookup.js";

const NUGET_INDEX = "https://api.nuget.org/v3/index.json";
const NUGET_PACKAGE = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(line: string): number {
  process.stderr.write(`gpu:install-cuda: ${line}\n`);
  return 1;
}

/** onnxruntime-node's installer, outside npm's environment, forced on; its output is kept for the error. */
function runInstaller(pkgDir: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith("npm_")) env[k] = v;
  env.ONNXRUNTIME_NODE_INSTALL = "true";
  delete env.ONNXRUNTIME_NODE_INSTALL_CUDA;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(pkgDir, "script", "install.js")], { cwd: pkgDir, env });
    let output = "";
    const keep = (d: Buffer) => {
      output += d;
      process.stdout.write(d);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", (d: Buffer) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: 1, output: `${output}\n${err.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The installer's own reason, without its stack: the first line that reads like an error. */
function reasonOf(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  const error = lines.find(
    (l) =>
      /^(\w*Error|error)[:\s]/.test(l) ||
      /Failed to|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up/i.test(l),
  );
  return error ?? (lines.filter((l) => l !== "" && !l.startsWith("at ")).pop() || "no output");
}

async function main(): Promise<number> {
  const force = process.argv.includes("--force");
  const pkgDir = onnxruntimeNodeDir();
  const before = cudaProviderStatus(pkgDir);
  if (!before.supportedPlatform) {
    return fail(
      `onnxruntime-node ${before.version} has a CUDA provider only for Linux x64; this is ${process.platform}/${process.arch}.`,
    );
  }
  const version = before.version;
  const nupkg = `https://api.nuget.org/v3-flatcontainer/${NUGET_PACKAGE.toLowerCase()}/${version}/${NUGET_PACKAGE.toLowerCase()}.${version}.nupkg`;
  if (before.installed && !force) {
    say(
      `The CUDA provider of onnxruntime-node ${version} is already installed in ${before.binDir} (--force downloads it again).`,
    );
  } else {
    say(
      `Installing the CUDA provider of onnxruntime-node ${version} (${NUGET_PACKAGE} ${version} from ${NUGET_INDEX})...`,
    );
    const timeoutMs = Number(process.env.GPU_INSTALL_TIMEOUT_MS ?? 20 * 60_000);
    const { code, output } = await runInstaller(pkgDir, timeoutMs);
    if (code !== 0) {
      return fail(
        `could not download ${NUGET_PACKAGE} ${version} from ${NUGET_INDEX}: ${reasonOf(output)}\n` +
          "To install it by hand: on a machine with internet access download\n" +
          `  ${nupkg}\n` +
          `(a zip file), and copy ${[...CUDA_PROVIDER_FILES, "libonnxruntime_providers_tensorrt.so"].map((f) => `runtimes/linux-x64/native/${f}`).join(", ")}\n` +
          `from it into ${before.binDir}. Behind a proxy, set GLOBAL_AGENT_HTTPS_PROXY (onnxruntime-node's installer uses global-agent).`,
      );
    }
  }

  const after = cudaProviderStatus(pkgDir);
  if (!after.installed) {
    return fail(
      `the installer finished but ${after.missing.join(", ")} ${after.missing.length === 1 ? "is" : "are"} not in ${after.binDir}. Copy them from ${nupkg} (runtimes/linux-x64/native/) by hand.`,
    );
  }
  const provider = path.join(after.binDir, "libonnxruntime_providers_cuda.so");
  const needed = elfNeededLibraries(readFileSync(provider));
  const { cuda, cudnn } = cudaMajorVersions(needed);
  say(`Installed: ${CUDA_PROVIDER_FILES.map((f) => path.join(after.binDir, f)).join(", ")}.`);
  say(
    `The provider is built against CUDA ${cuda ?? "?"} and cuDNN ${cudnn ?? "?"} (${needed.filter((n) => /cu|nv/.test(n)).join(", ")}).`,
  );
  const missing = missingLibraries(needed.filter((n) => /^lib(cu|nv)/.test(n)));
  if (missing.length > 0) {
    say(
      `Note: this host cannot load ${missing.join(", ")} yet. Install the CUDA ${cuda ?? ""} runtime and cuDNN ${cudnn ?? ""} ` +
        "(or run the docker/gpu-worker.Dockerfile image, whose base has both), or add their folder to LD_LIBRARY_PATH.",
    );
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = fail(err instanceof Error ? err.message : String(err));
  },
);
