/** The fake Slack was closed while something was still waiting on it. */
export class FakeClosedError extends Error {
  constructor(what: string) {
    super(`fake Slack closed while waiting for ${what}`);
    this.name = "FakeClosedError";
  }
}
