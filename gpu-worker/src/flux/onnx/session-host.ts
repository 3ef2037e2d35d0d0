import { Worker } from "node:worker_threads";
import type {
  SessionRequest,
  WireOutput,
  WireTensor,
  WorkerRequest,
  WorkerResponse,
} from "./worker-protocol.js";

type Opened = Extract<WorkerResponse, { op: "opened" }>;

/** The worker failed on one request; `file` names the model file when it was a load. */
export class SessionHostError extends Error {
  constructor(
    message: string,
    readonly key?: string,
    readonly file?: string,
    /** "cuda-unavailable" when a session that must run on CUDA could not. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "SessionHostError";
  }
}

interface Pending {
  resolve: (r: WorkerResponse) => void;
  reject: (e: Error) => void;
}

type RequestBody =
  | Omit<Extract<WorkerRequest, { op: "open" }>, "id">
  | Omit<Extract<WorkerRequest, { op: "run" }>, "id">
  | Omit<Extract<WorkerRequest, { op: "close" }>, "id">;

/**
 * Starts the worker script from compiled .js, or from source when this file runs as .ts under tsx. Node 20
 * does not carry tsx's loader into workers (neither inherited nor through execArgv `--import tsx`), so a
 * .ts worker first registers tsx's loader through its API, then imports the script.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./onnx-worker.js", here));
  const script = new URL("./onnx-worker.ts", here).href;
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * Main-thread handle on the worker thread that owns the onnxruntime sessions. The worker is referenced
 * only while a request is in flight, so an idle model never keeps the process alive.
 */
export class SessionHost {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;

  constructor() {
    this.worker = startWorker();
    this.worker.unref();
    this.worker.on("message", (res: WorkerResponse) => this.settle(res));
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => this.fail(new Error(`the ONNX worker thread exited (code ${code})`)));
  }

  private settle(res: WorkerResponse): void {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    if (this.pending.size === 0) this.worker.unref();
    if (res.op === "error") p.reject(new SessionHostError(res.message, res.key, res.file, res.code));
    else p.resolve(res);
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private request(body: RequestBody): Promise<WorkerResponse> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  async open(sessions: SessionRequest[]): Promise<Omit<Opened, "id" | "op">> {
    const res = (await this.request({ op: "open", sessions })) as Opened;
    return { providers: res.providers, fallback: res.fallback, notes: res.notes, signatures: res.signatures };
  }

  /** Feeds are copied to the worker, so the caller's arrays stay usable. */
  async run(key: string, feeds: Record<string, WireTensor>): Promise<Record<string, WireOutput>> {
    const res = await this.request({ op: "run", key, feeds });
    return (res as Extract<WorkerResponse, { op: "result" }>).outputs;
  }

  async close(): Promise<void> {
    if (!this.dead) {
      try {
        await this.request({ op: "close" });
      } catch {
        // Closing a worker that already failed: nothing left to release.
      }
    }
    this.dead ??= new Error("the model is closed");
    await this.worker.terminate();
  }
}
