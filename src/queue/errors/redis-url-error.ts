/** REDIS_URL cannot be used as written; the message names the variable and what is wrong, in words. */
export class RedisUrlError extends Error {
  constructor(readonly problem: string) {
    super(`REDIS_URL: ${problem}`);
    this.name = "RedisUrlError";
  }
}
