/**
 * Worker-thread entry: owns the onnxruntime sessions. `session.run` keeps its thread busy for the whole
 * call, so running it here leaves the main event loop free for the queue, health checks and timers.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import ort from "onnxruntime-node";
import type { ModelSignature, TensorSignature } from "../model-spec.js";
import { fromModelTensor, toModelTensor } from "./tensor-convert.js";
import type {
  ExecutionProviderSetting,
  Note,
  WireOutput,
  WorkerRequest,
  WorkerResponse,
} from "./worker-protocol.js";

const sessions = new Map<string, ort.InferenceSession>();

function signatureOf(session: ort.InferenceSession): ModelSignature {
  const describe = (meta: readonly ort.InferenceSession.ValueMetadata[]): TensorSignature[] =>
    meta.map((m) =>
      m.isTensor
        ? {
            name: m.name,
            type: m.type,
            shape: m.shape.map((d) => (typeof d === "number" && d >= 0 ? d : String(d))),
          }
        : { name: m.name, type: "non-tensor", shape: [] },
    );
  return { inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed (`npm run gpu:install-cuda`). Asking for
 * CUDA without it fails and prints a native error, so "auto" does not ask then.
 */
function cudaProviderInstalled(): boolean {
  try {
    const pkg = path.dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
    const bin = path.join(pkg, "bin");
    return readdirSync(bin).some((napi) =>
      existsSync(path.join(bin, napi, process.platform, process.arch, "libonnxruntime_providers_cuda.so")),
    );
  } catch {
    return false;
  }
}

async function open(
  list: Array<{ key: string; file: string }>,
  setting: ExecutionProviderSetting,
): Promise<Omit<Extract<WorkerResponse, { op: "opened" }>, "id" | "op">> {
  const notes: Note[] = [];
  let provider: "cuda" | "cpu" = setting === "cpu" ? "cpu" : "cuda";
  if (setting !== "cpu" && !cudaProviderInstalled()) {
    // Not even asked for: onnxruntime would print its own red "Failed to load library" line to stderr
    // before throwing, which reads like a crash. Same outcome, said once, in our words.
    notes.push(
      setting === "auto"
        ? { level: "info", message: "The CUDA provider of onnxruntime is not installed; running on the CPU." }
        : {
            level: "warn",
            message:
              "CUDA is not available (the CUDA provider of onnxruntime is not installed: run `npm run gpu:install-cuda`); running on the CPU.",
          },
    );
    provider = "cpu";
  }
  const signatures: Record<string, ModelSignature> = {};
  for (const { key, file } of list) {
    let session: ort.InferenceSession | null = null;
    if (provider === "cuda") {
      try {
        session = await ort.InferenceSession.create(file, { executionProviders: ["cuda", "cpu"] });
      } catch (err) {
        // Asking for CUDA throws when the binary has no CUDA provider or no GPU is present; the CPU still
        // works. Only the first model decides, so all sessions end up on one device.
        if (sessions.size > 0) throw Object.assign(new Error(message(err)), { key, file });
        notes.push({
          level: "warn",
          message: `CUDA is not available (${message(err)}); running on the CPU.`,
        });
        provider = "cpu";
      }
    }
    if (!session) {
      try {
        session = await ort.InferenceSession.create(file, { executionProviders: ["cpu"] });
      } catch (err) {
        throw Object.assign(new Error(message(err)), { key, file });
      }
    }
    sessions.set(key, session);
    signatures[key] = signatureOf(session);
  }
  return { provider, notes, signatures };
}

async function run(key: string, feeds: Extract<WorkerRequest, { op: "run" }>["feeds"]) {
  const session = sessions.get(key);
  if (!session) throw new Error(`no session "${key}" is open`);
  const tensors: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    const wire = feeds[meta.name];
    if (!wire) continue;
    tensors[meta.name] = toModelTensor(meta.name, wire, meta.isTensor ? meta.type : "non-tensor");
  }
  const results = await session.run(tensors);
  const outputs: Record<string, WireOutput> = {};
  for (const [name, tensor] of Object.entries(results)) {
    outputs[name] = fromModelTensor(name, tensor as ort.Tensor);
    (tensor as ort.Tensor).dispose?.();
  }
  return outputs;
}

function reply(response: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(response, transfer);
}

parentPort?.on("message", (req: WorkerRequest) => {
  void (async () => {
    try {
      if (req.op === "open") {
        reply({ op: "opened", id: req.id, ...(await open(req.sessions, req.executionProvider)) });
      } else if (req.op === "run") {
        const outputs = await run(req.key, req.feeds);
        reply(
          { op: "result", id: req.id, outputs },
          Object.values(outputs).map((o) => o.data.buffer as ArrayBuffer),
        );
      } else {
        for (const s of sessions.values()) await s.release();
        sessions.clear();
        reply({ op: "closed", id: req.id });
      }
    } catch (err) {
      const extra = err as { key?: string; file?: string };
      reply({ op: "error", id: req.id, message: message(err), key: extra.key, file: extra.file });
    }
  })();
});
