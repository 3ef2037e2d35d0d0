import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { PromptTooLongError } from "../errors/prompt-too-long-error.js";

/** Flux's T5 sequence length, the end-of-text token included. */
export const T5_MAX_TOKENS = 512;

/** T5's tokenizer from tokenizer.json: ids + </s>, padded with <pad> to 512; a longer prompt is an error. */
export class T5Tokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly eosId: number,
    private readonly padId: number,
    readonly maxTokens: number,
  ) {}

  static async load(
    files: { tokenizerFile: string; configFiles: string[] },
    maxTokens = T5_MAX_TOKENS,
  ): Promise<T5Tokenizer> {
    const json = JSON.parse(await readFile(files.tokenizerFile, "utf8")) as Record<string, unknown>;
    let config: Record<string, unknown> = {};
    for (const file of files.configFiles) {
      try {
        config = { ...config, ...JSON.parse(await readFile(file, "utf8")) };
      } catch {
        // Optional: tokenizer.json alone describes the tokenizer.
      }
    }
    const tokenizer = new Tokenizer(json, config);
    const eos = tokenizer.token_to_id("</s>");
    const pad = tokenizer.token_to_id("<pad>");
    if (eos === undefined || pad === undefined) throw new Error("the T5 vocabulary lacks </s> or <pad>");
    return new T5Tokenizer(tokenizer, eos, pad, maxTokens);
  }

  /** Number of tokens the prompt needs, end-of-text included. */
  count(prompt: string): number {
    return this.tokenizer.encode(prompt, { add_special_tokens: false }).ids.length + 1;
  }

  /** The `maxTokens` input ids for a prompt; throws PromptTooLongError when it does not fit. */
  encode(prompt: string): number[] {
    const body = this.tokenizer.encode(prompt, { add_special_tokens: false }).ids;
    const needed = body.length + 1;
    if (needed > this.maxTokens) {
      const words = Math.max(1, prompt.trim().split(/\s+/).length);
      const tokensPerWord = body.length / words;
      throw new PromptTooLongError(
        needed,
        this.maxTokens,
        Math.ceil((needed - this.maxTokens) / tokensPerWord),
      );
    }
    const ids = [...body, this.eosId];
    while (ids.length < this.maxTokens) ids.push(this.padId);
    return ids;
  }
}
