import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/**
 * `src/main.ts` in a process of its own (ROLE=worker and friends), with its JSON log lines parsed, so
 * a test can kill it with SIGKILL mid-job like a crashed machine.
 */
export class RfEditProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];
  private partial = "";

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "info", METRICS_PORT: "0", MODEL_DIR: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (chunk: Buffer) => this.onStdout(chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      this.wake();
    });
    this.child.on("exit", () => this.wake());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private onStdout(text: string) {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ msg: line });
      }
    }
    this.wake();
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  hasLog(predicate: (line: LogLine) => boolean): boolean {
    return this.logs.some(predicate);
  }

  /** Resolves with the first log line that matches; fails if the process exits first. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000, what = "a log line") {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const hit = this.logs.find(predicate);
      if (hit) return hit;
      if (!this.running) throw new Error(`process exited before ${what}:\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}:\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  tail(lines = 15): string {
    const logs = this.logs.slice(-lines).map((l) => JSON.stringify(l));
    return [...logs, ...this.stderr.slice(-5)].join("\n");
  }

  /** Sends the signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child, "exit");
    this.child.kill(signal);
    await exited;
  }
}

/** A GPU worker process (tiny model) on the given Redis and key prefix. */
export async function startWorkerProcess(env: Record<string, string>): Promise<RfEditProcess> {
  const p = new RfEditProcess({ ROLE: "worker", ...env });
  await p.waitForLog((l) => l.msg === "GPU worker is taking edit jobs", 60_000, "the worker to start");
  return p;
}
