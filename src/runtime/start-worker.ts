import type { Config } from "../../config/index.js";
import { loadFluxModel } from "../../gpu-worker/src/flux/load-flux-model.js";
import type { FluxModel } from "../../gpu-worker/src/flux/types.js";
import { EditWorker } from "../../gpu-worker/src/worker.js";
import type { Logger } from "../logger.js";
import type { RedisLike } from "../queue/redis-connection.js";

export interface RunningWorker {
  worker: EditWorker;
  model: FluxModel;
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
      logger,
    }));
  if (flux.info.isDemo) {
    logger.warn("MODEL_DIR is not set: running the tiny demo model. Results are not real edits.");
  }
  const worker = new EditWorker({ config, redis, model: flux, logger });
  await worker.start();
  return {
    worker,
    model: flux,
    async stop(graceMs?: number) {
      await worker.close(graceMs);
      if (!model) await flux.close();
    },
  };
}
