import { FakeClosedError } from "./errors/fake-closed-error.js";
import { WaitTimeoutError } from "./errors/wait-timeout-error.js";
import type { RecordedCall } from "./types.js";

type CallPredicate = (call: RecordedCall) => boolean;

interface Waiter {
  method: string;
  predicate: CallPredicate;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Keeps every request the fake answered and lets tests wait for one. */
export class CallRecorder {
  readonly #calls: RecordedCall[] = [];
  readonly #waiters = new Set<Waiter>();

  record(call: RecordedCall): void {
    this.#calls.push(call);
    for (const waiter of this.#waiters) {
      if (waiter.method === call.method && waiter.predicate(call)) {
        this.#settle(waiter);
        waiter.resolve(call);
      }
    }
  }

  /** Calls so far, optionally only those of one method, oldest first. */
  calls(method?: string): RecordedCall[] {
    return method === undefined ? [...this.#calls] : this.#calls.filter((c) => c.method === method);
  }

  /**
   * The first call of `method` matching `predicate`, already recorded or still to come.
   * Past calls count, so a test may trigger first and wait after; use the predicate to tell calls apart.
   */
  waitForCall(
    method: string,
    predicate: CallPredicate = () => true,
    timeoutMs = 2000,
  ): Promise<RecordedCall> {
    const done = this.#calls.find((c) => c.method === method && predicate(c));
    if (done) return Promise.resolve(done);
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(waiter);
          const seen = this.calls(method).length;
          reject(
            new WaitTimeoutError(`a matching ${method} call`, timeoutMs, `${seen} ${method} call(s) seen`),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Resolves once `count` calls of `method` matching `predicate` have been recorded. */
  async waitForCalls(
    method: string,
    count: number,
    predicate: CallPredicate = () => true,
    timeoutMs = 2000,
  ): Promise<RecordedCall[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const matching = this.#calls.filter((c) => c.method === method && predicate(c));
      if (matching.length >= count) return matching.slice(0, count);
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new WaitTimeoutError(`${count} matching ${method} calls`, timeoutMs, `${matching.length} seen`);
      }
      const seen = new Set(matching);
      await this.waitForCall(method, (c) => predicate(c) && !seen.has(c), left);
    }
  }

  clear(): void {
    this.#calls.length = 0;
  }

  /** Rejects every pending wait; used when the fake closes so no timer keeps the process alive. */
  close(): void {
    for (const waiter of this.#waiters) {
      this.#settle(waiter);
      waiter.reject(new FakeClosedError(`a ${waiter.method} call`));
    }
  }

  #settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }
}
