/** The model folder cannot be used: the message says in words what is wrong and in which file. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    /** The file or folder at fault. */
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelLoadError";
  }
}
