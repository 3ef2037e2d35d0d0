/** T5 cannot hold the prompt. Prompts are rejected rather than silently cut, since the cut part would be ignored. */
export class PromptTooLongError extends Error {
  constructor(
    /** T5 tokens the prompt needs, end-of-text token included. */
    readonly tokens: number,
    /** Most T5 tokens the model takes, end-of-text token included. */
    readonly maxTokens: number,
    /** Rough number of words to remove. */
    readonly wordsOver: number,
  ) {
    super(
      `The prompt is too long: it makes ${tokens - 1} text tokens and the model reads at most ${maxTokens - 1} text tokens. ` +
        `Shorten it by about ${wordsOver} word${wordsOver === 1 ? "" : "s"}.`,
    );
    this.name = "PromptTooLongError";
  }
}
