import type { Config } from "../../../../config/index.js";
import type { ImageInput } from "../../../core/edit-request.js";
import type { EditService } from "../../../core/edit-service.js";
import type { Logger } from "../../../logger.js";
import type { ImageLocator } from "../image-locator.js";
import type { ModalStateStore } from "../modal-state-store.js";
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
  /** What each open modal edits, by the id its private_metadata carries. */
  modalState: ModalStateStore;
  /** The core's prompt limit (MAX_PROMPT_CHARS), shown to Slack as the prompt input's max_length. */
  maxPromptChars: number;
}
