import type { Config } from "../../../../config/index.js";
import type { ImageInput } from "../../../core/edit-request.js";
import type { EditService } from "../../../core/edit-service.js";
import type { Logger } from "../../../logger.js";
import type { ImageLocator } from "../image-locator.js";
import type { SlackActors } from "../slack-actors.js";
import type { SlackAdapter } from "../slack-adapter.js";
import type { SlackFileLike } from "../slack-file.js";
import type { WorkPool } from "../work-pool.js";

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
  /** Runs the work after an ack, a few at a time, logging failures. */
  work: WorkPool;
}
