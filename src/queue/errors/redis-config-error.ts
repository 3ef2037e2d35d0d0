/** Redis answers but refuses what REDIS_URL asks for (a database that does not exist, a wrong password). */
export class RedisConfigError extends Error {
  constructor(readonly problem: string) {
    super(`REDIS_URL: ${problem}`);
    this.name = "RedisConfigError";
  }
}
