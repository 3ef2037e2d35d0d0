/**
 * Redis at `maxmemory` with the `noeviction` policy (what BullMQ requires) refuses every write that
 * could grow memory with "OOM command not allowed when used memory > 'maxmemory'", also from inside
 * a Lua script. Such a failure is not a bug of ours and not worth "something went wrong": it is
 * answered with "storage is full, try again later".
 */
export function isStorageFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    if (/\bOOM command not allowed\b/.test(message)) return true;
    // A MULTI whose queued command was refused for OOM fails as EXECABORT; ioredis keeps the
    // refusals in `previousErrors`.
    const previous = (e as { previousErrors?: unknown[] } | null)?.previousErrors;
    if (Array.isArray(previous) && previous.some((p) => isStorageFull(p))) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
