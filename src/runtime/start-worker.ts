import type { Config } from "../../config/index.js";
import { CachedPromptModel } from "../../gpu-worker/src/flux/cached-prompt-model.js";
import { loadFluxModel } from "../../gpu-worker/src/flux/load-flux-model.js";
import type { FluxModel } from "../../gpu-worker/src/flux/types.js";
import { RedisPromptCache } from "../../gpu-worker/src/prompt-cache.js";
import { EditWorker } from "../../gpu-worker/src/worker.js";
import type { Logger } from "../logger.js";
import { KeyNames } from "../queue/queue-names.js";
import type { RedisLike } from "../queue/redis-connection.js";

export interface RunningWorker {
  worker: EditWorker;
  model: FluxModel;
  /** The shared prompt-embedding cache; absent when PROMPT_CACHE_TTL_SECONDS is 0. */
  promptCache?: RedisPromptCache;
  /** Lets the running edit finish for up to `graceMs`, then hands it back to the queue. */
  stop(graceMs?: number): Promise<void>;
}

/** Loads the model (the tiny demo model when MODEL_DIR is unset) and starts taking edit jobs. */
export async function startWorker(
  config: Config,
  redis: RedisLike,
  logger: Logger,
  model?: FluxModel,
): Promise<RunningWorker> {
  const flux =
    model ??
    (await loadFluxModel({
      dir: config.model.dir,
      executionProvider: config.model.executionProvider,
      textEncoderProvider: config.model.textEncoderProvider,
      vaeProvider: config.model.vaeProvider,
      targetMegapixels: config.limits.targetMegapixels,
      logger,
    }));
  if (flux.info.isDemo) {
    logger.warn(
      "MODEL_DIR is not set: running the demo model, which only recolours by prompt words. Results are not real edits.",
    );
  }
  const ttl = config.model.promptCacheTtlSeconds;
  const promptCache = ttl > 0 ? new RedisPromptCache(redis, new KeyNames(config.keyPrefix), ttl) : undefined;
  const edits = promptCache ? new CachedPromptModel(flux, promptCache, logger) : flux;
  const worker = new EditWorker({ config, redis, model: edits, logger });
  await worker.start();
  return {
    worker,
    model: flux,
    promptCache,
    async stop(graceMs?: number) {
      await worker.close(graceMs);
      if (!model) await flux.close();
    },
  };
}
