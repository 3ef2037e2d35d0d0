/**
 * Worker-thread entry: owns the onnxruntime sessions. `session.run` keeps its thread busy for the whole
 * call, so running it here leaves the main event loop free for the queue, health checks and timers.
 */
import { parentPort } from "node:worker_threads";
import ort from "onnxruntime-node";
import type { ModelSignature, TensorSignature } from "../model-spec.js";
import { cudaInstallHint, cudaProviderStatus } from "./cuda-provider.js";
import { fromModelTensor, toModelTensor } from "./tensor-convert.js";
import type { Note, SessionRequest, WireOutput, WorkerRequest, WorkerResponse } from "./worker-protocol.js";

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

/** A session that was told to run on CUDA and cannot: the load stops, it never runs on the CPU instead. */
function cudaUnavailable(message: string, key: string, file: string): Error {
  return Object.assign(new Error(message), { key, file, code: "cuda-unavailable" });
}

async function create(file: string, provider: "cuda" | "cpu"): Promise<ort.InferenceSession> {
  // Only "cuda" for CUDA: onnxruntime still runs the few nodes CUDA lacks on the CPU, but a session
  // that cannot start CUDA at all fails here instead of quietly running everything on the CPU.
  return ort.InferenceSession.create(file, { executionProviders: [provider] });
}

async function open(
  list: SessionRequest[],
): Promise<Omit<Extract<WorkerResponse, { op: "opened" }>, "id" | "op">> {
  const notes: Note[] = [];
  const providers: Record<string, "cuda" | "cpu"> = {};
  const signatures: Record<string, ModelSignature> = {};
  const status = cudaProviderStatus();
  // Once CUDA has failed for one "auto" session, the others go straight to the CPU (one warning).
  let fallback: string | null = null;
  if (!status.installed && list.some((s) => s.provider === "auto")) {
    fallback = `the CUDA provider of onnxruntime-node ${status.version} is not installed (${status.missing.join(", ")} missing in ${status.binDir}); ${cudaInstallHint(status)}`;
  }
  for (const { key, file, provider: wanted } of list) {
    let session: ort.InferenceSession | null = null;
    let provider: "cuda" | "cpu" = "cpu";
    if (wanted === "cuda") {
      if (!status.installed) {
        throw cudaUnavailable(
          `the CUDA provider of onnxruntime-node ${status.version} is not installed (${status.missing.join(", ")} missing in ${status.binDir})`,
          key,
          file,
        );
      }
      try {
        session = await create(file, "cuda");
        provider = "cuda";
      } catch (err) {
        throw cudaUnavailable(message(err), key, file);
      }
    } else if (wanted === "auto" && fallback === null) {
      try {
        session = await create(file, "cuda");
        provider = "cuda";
      } catch (err) {
        fallback = `CUDA could not start (${message(err)})`;
      }
    }
    if (!session) {
      try {
        session = await create(file, "cpu");
      } catch (err) {
        throw Object.assign(new Error(message(err)), { key, file });
      }
    }
    sessions.set(key, session);
    providers[key] = provider;
    signatures[key] = signatureOf(session);
  }
  if (fallback) {
    notes.push({ level: "warn", message: `EXECUTION_PROVIDER=auto is running on the CPU: ${fallback}.` });
  }
  return { providers, fallback, notes, signatures };
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
        reply({ op: "opened", id: req.id, ...(await open(req.sessions)) });
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
      const extra = err as { key?: string; file?: string; code?: string };
      reply({
        op: "error",
        id: req.id,
        message: message(err),
        key: extra.key,
        file: extra.file,
        code: extra.code,
      });
    }
  })();
});
