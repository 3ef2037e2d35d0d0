/** A one-off answer a test makes a Web API method give instead of its normal one. */
export type Behaviour =
  | { kind: "ratelimited"; retryAfterSec: number }
  | { kind: "error"; error: string; status?: number }
  | { kind: "delay"; ms: number };

interface Entry {
  behaviour: Behaviour;
  remaining: number;
}

/** Per-method queues of injected answers; each entry is used `times` times, then the method behaves again. */
export class InjectedBehaviours {
  readonly #byMethod = new Map<string, Entry[]>();

  add(method: string, behaviour: Behaviour, times: number): void {
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError(`times must be a positive integer: ${times}`);
    const list = this.#byMethod.get(method) ?? [];
    list.push({ behaviour, remaining: times });
    this.#byMethod.set(method, list);
  }

  /** The behaviour for this call of `method`, consuming one use; undefined when it should answer normally. */
  take(method: string): Behaviour | undefined {
    const list = this.#byMethod.get(method);
    const entry = list?.[0];
    if (!list || !entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) list.shift();
    return entry.behaviour;
  }

  clear(method?: string): void {
    if (method === undefined) this.#byMethod.clear();
    else this.#byMethod.delete(method);
  }
}
