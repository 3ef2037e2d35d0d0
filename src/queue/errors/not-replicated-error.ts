/**
 * Writes could not be confirmed on a replica in time (a failover under way, or replicas lagging):
 * what was written may be lost when the master changes, so the caller must not tell anyone it is safe.
 */
export class NotReplicatedError extends Error {
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`could not confirm ${what} on a replica: ${reason}`);
    this.name = "NotReplicatedError";
  }
}
