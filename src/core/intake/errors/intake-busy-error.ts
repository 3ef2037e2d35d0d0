import { UserFacingError } from "../../errors/user-facing-error.js";
import { INTAKE_BUSY } from "../../messages.js";

/** Every intake slot is taken and the wait queue is full: the person is asked to try again shortly. */
export class IntakeBusyError extends UserFacingError {
  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {
    super("busy", INTAKE_BUSY);
    this.name = "IntakeBusyError";
  }
}
