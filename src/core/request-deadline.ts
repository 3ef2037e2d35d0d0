import { AsyncLocalStorage } from "node:async_hooks";

/** One request's promise to answer in time; work that outlives it must not go on as if answered. */
export interface RequestGate {
  abandoned: boolean;
}

const gates = new AsyncLocalStorage<RequestGate>();

/** The gate of the request this code runs for (undefined outside `withDeadline`). */
export function currentGate(): RequestGate | undefined {
  return gates.getStore();
}

export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineError";
  }
}

/**
 * Runs `body` and rejects with DeadlineError after `ms`. The body keeps running (a Redis command
 * cannot be taken back), but sees `currentGate().abandoned` and must then undo what it did
 * instead of telling anyone it worked.
 */
export async function withDeadline<T>(ms: number, body: () => Promise<T>): Promise<T> {
  const gate: RequestGate = { abandoned: false };
  const work = gates.run(gate, body);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gate.abandoned = true;
      reject(new DeadlineError(ms));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
