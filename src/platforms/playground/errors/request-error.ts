/** A playground HTTP request the server refuses, with the status and the sentence the page shows. */
export class RequestError extends Error {
  override name = "RequestError";

  constructor(
    readonly status: number,
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}
