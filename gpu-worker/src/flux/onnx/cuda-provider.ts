import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * The files onnxruntime-node's install script puts next to its binding for the CUDA provider
 * (script/install-metadata.js, manifest linux/x64:cuda12, from the Microsoft.ML.OnnxRuntime.Gpu.Linux
 * NuGet package of the same version). The TensorRT one comes along but is optional for CUDA.
 */
export const CUDA_PROVIDER_FILES = ["libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so"];
export const OPTIONAL_PROVIDER_FILES = ["libonnxruntime_providers_tensorrt.so"];

export interface CudaProviderStatus {
  /** Both provider libraries are present. */
  installed: boolean;
  /** Where they belong: onnxruntime-node's bin/napi-v6/<platform>/<arch>. */
  binDir: string;
  missing: string[];
  /** onnxruntime-node's version, e.g. "1.30.0". */
  version: string;
  /** Only Linux x64 builds have a CUDA provider to download. */
  supportedPlatform: boolean;
}

export function onnxruntimeNodeDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
}

/** Whether onnxruntime-node's CUDA provider is installed (`npm run gpu:install-cuda`), without loading it. */
export function cudaProviderStatus(pkgDir = onnxruntimeNodeDir()): CudaProviderStatus {
  const require = createRequire(import.meta.url);
  const version = (require(path.join(pkgDir, "package.json")) as { version: string }).version;
  const binDir = path.join(pkgDir, "bin", "napi-v6", process.platform, process.arch);
  const missing = CUDA_PROVIDER_FILES.filter((f) => !existsSync(path.join(binDir, f)));
  return {
    installed: missing.length === 0,
    binDir,
    missing,
    version,
    supportedPlatform: process.platform === "linux" && process.arch === "x64",
  };
}

/** The fix for a missing provider, in words. */
export function cudaInstallHint(status: CudaProviderStatus): string {
  if (!status.supportedPlatform) {
    return `onnxruntime-node ${status.version} has a CUDA provider only for Linux x64, not ${process.platform}/${process.arch}`;
  }
  return `run \`npm run gpu:install-cuda\` on this host (it needs an NVIDIA driver with CUDA 13 and cuDNN 9; see README, "GPU hosts")`;
}
