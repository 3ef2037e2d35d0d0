import { Cluster } from "ioredis";
import { describeRedisError, isConfigurationProblem, watchOf } from "./connection-watch.js";
import { RedisConfigError } from "./errors/redis-config-error.js";
import { describeTarget, type RedisLike, targetOf } from "./redis-connection.js";

const POLL_MS = 1000;

/**
 * Resolves once Redis answers with what REDIS_URL asks for. Outages are waited out (the connection
 * logs them in words); a refusal no retry can fix (a database index the server does not have, a
 * wrong password) throws RedisConfigError naming REDIS_URL and the server's own words.
 * `onWaiting` hears the current reason about once a second, for a "waiting for Redis" page.
 */
export async function waitForRedis(redis: RedisLike, onWaiting?: (reason: string) => void): Promise<void> {
  const w = watchOf(redis);
  const target = targetOf(redis);
  const where = target ? describeTarget(target) : "REDIS_URL";
  const fail = (err: Error): never => {
    const db = target && target.db > 0 ? `database ${target.db} on ` : "";
    throw new RedisConfigError(`${db}${where} is refused: ${err.message.replace(/^ERR /, "")}`);
  };
  while (true) {
    if (w.configProblem) fail(w.configProblem);
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      redis.ping().then(
        () => true,
        () => false,
      ),
      new Promise<false>((r) => {
        timer = setTimeout(() => r(false), POLL_MS);
      }),
    ]);
    clearTimeout(timer);
    if (w.configProblem) fail(w.configProblem);
    if (answered) break;
    onWaiting?.(w.lastError ? describeRedisError(w.lastError) : "connecting");
  }
  // ioredis reports a failed SELECT and then carries on in database 0; ask again to be sure.
  if (target && target.db > 0 && !(redis instanceof Cluster)) {
    try {
      await redis.select(target.db);
    } catch (err) {
      if (isConfigurationProblem(err as Error)) fail(err as Error);
      throw err;
    }
  }
}
