import { NotReplicatedError } from "./not-replicated-error.js";

/**
 * True for the errors Redis gives while it is failing over or unreachable (as opposed to a bug or a
 * bad request): they earn "busy, try again in a moment", not "something went wrong".
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof NotReplicatedError) return true;
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; previousErrors?: unknown[] };
  // A MULTI whose commands were refused (NOREPLICAS, READONLY...) fails as a whole with EXECABORT.
  if (/^EXECABORT/.test(e.message ?? "") && (e.previousErrors ?? []).some(isRedisUnavailable)) return true;
  if (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"].includes(e.code ?? "")
  )
    return true;
  return /^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b|Too many Cluster redirections|Connection is closed|Failed to refresh slots cache|All sentinels are unreachable|Cluster is ended|Command timed out|Reached the max retries per request/.test(
    e.message ?? "",
  );
}
