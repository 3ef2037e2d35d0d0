import { execFileSync } from "node:child_process";

export interface GpuMemory {
  name: string;
  totalBytes: number;
  usedBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Memory of each NVIDIA GPU as nvidia-smi reports it, or null where there is no nvidia-smi or no GPU.
 * CUDA_VISIBLE_DEVICES is not applied: nvidia-smi lists every GPU, so the first one stands for the
 * device a worker uses (one worker per GPU, each started with its own device).
 */
export function nvidiaSmiMemory(): GpuMemory[] | null {
  try {
    const out = execFileSync(
      "nvidia-smi",
      ["--query-gpu=name,memory.total,memory.used", "--format=csv,noheader,nounits"],
      { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] },
    );
    const gpus = out
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((line) => {
        const [name, total, used] = line.split(",").map((p) => p.trim());
        return { name, totalBytes: Number(total) * MIB, usedBytes: Number(used) * MIB };
      })
      .filter((g) => Number.isFinite(g.totalBytes) && g.totalBytes > 0);
    return gpus.length > 0 ? gpus : null;
  } catch {
    return null;
  }
}
