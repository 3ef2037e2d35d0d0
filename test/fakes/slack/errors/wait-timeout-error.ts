/** A wait on the fake Slack (a call, an ack, a connection) did not happen in time. */
export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, detail = "") {
    super(`fake Slack: ${what} did not happen within ${timeoutMs} ms${detail ? `; ${detail}` : ""}`);
    this.name = "WaitTimeoutError";
  }
}
