/** REDIS_URL cannot be used as written; the message names the variable and what is wrong, in words. */
export class RedisUrlError extends Error {
  constructor(
    url: string,
    readonly problem: string,
  ) {
    // The password never reaches a message: anything between "//" and "@" is starred out.
    super(`REDIS_URL (got ${JSON.stringify(url.replace(/^([a-z-]+:\/\/)[^@/]*@/i, "$1***@"))}): ${problem}`);
    this.name = "RedisUrlError";
  }
}
