/**
 * Redis at `maxmemory` with the `noeviction` policy (what BullMQ requires) refuses every write that
 * could grow memory with "OOM command not allowed when used memory > 'maxmemory'", also from inside
 * a Lua script. Such a failure is not a bug of ours and not worth "something went wrong": it is
 * answered with "storage is full, try again later". Inside MULTI the refusal comes back as EXECABORT,
 * with the queued commands' own errors in ioredis' `previousErrors`.
 */
export function isStorageFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    if (/\bOOM command not allowed\b/.test(message)) return true;
    const previous = (e as { previousErrors?: unknown[] }).previousErrors;
    if (Array.isArray(previous) && previous.some((p) => isStorageFull(p))) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
