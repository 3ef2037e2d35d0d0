import { ModelLoadError } from "./model-load-error.js";

/**
 * EXECUTION_PROVIDER=cuda and CUDA cannot run the model: the worker stops at start rather than running
 * a 12B transformer on the CPU. A ModelLoadError, so every place that reports a bad model folder in
 * words reports this too.
 */
export class ExecutionProviderError extends ModelLoadError {
  constructor(message: string, location: string, options?: { cause?: unknown }) {
    super(message, location, options);
    this.name = "ExecutionProviderError";
  }
}
