import type { Config } from "../../../../config/index.js";
import type { ImageInput } from "../../../core/edit-request.js";
import type { EditService } from "../../../core/edit-service.js";
import type { Logger } from "../../../logger.js";
import type { ImageLocator } from "../image-locator.js";
import type { SlackActors } from "../slack-actors.js";
import type { SlackAdapter } from "../slack-adapter.js";
import type { SlackFileLike } from "../slack-file.js";

/** What every listener gets: the core service and the few Slack helpers that translate for it. */
export interface ListenerDeps {
  service: EditService;
  defaults: Config["defaults"];
  logger: Logger;
  actors: SlackActors;
  locator: ImageLocator;
  adapter: SlackAdapter;
  /** The core's image input for a Slack file (token, allowed hosts, declared type and size). */
  imageFor(file: SlackFileLike): ImageInput;
}

/**
 * Runs a listener's work after its ack and logs anything unexpected: Slack has its answer already,
 * and the person hears about problems in the thread, from the core.
 */
export async function afterAck(logger: Logger, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    logger.error({ err, listener: what }, "slack listener failed");
  }
}
