/**
 * The velocity (the Flux transformer, in production) returned something the engine cannot step with:
 * the wrong length, or a non-finite value (fp16 overflow, a broken model). A RangeError like every other
 * bad input to the engine, with the step named so that logs point at where it happened.
 */
export class VelocityOutputError extends RangeError {
  override readonly name = "VelocityOutputError";

  constructor(
    message: string,
    /** "inversion" or "editing". */
    readonly phase: string,
    /** 0-based step index within the phase. */
    readonly step: number,
    readonly sigma: number,
  ) {
    super(message);
  }
}
