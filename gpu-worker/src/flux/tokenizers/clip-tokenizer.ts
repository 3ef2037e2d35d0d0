import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";

export const CLIP_MAX_TOKENS = 77;
const BOS = "<|startoftext|>";
const EOS = "<|endoftext|>";

/** The special-token setting of a tokenizer_config.json: a string or an AddedToken-like object. */
function tokenName(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return null;
}

/**
 * The tokenizer.json that transformers' CLIPTokenizerFast builds from vocab.json + merges.txt: lower-cased,
 * CLIP's word pattern, byte-level symbols, BPE with "</w>" word ends.
 */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[]): Record<string, unknown> {
  const added = [BOS, EOS]
    .filter((t) => t in vocab)
    .map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: true,
    }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
        { type: "Strip", strip_left: true, strip_right: true },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        {
          type: "Split",
          pattern: {
            Regex:
              "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: "Removed",
          invert: true,
        },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: EOS,
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/** CLIP-L's tokenizer: always 77 ids, <|startoftext|> ... <|endoftext|> then padding; longer text is cut, as diffusers does. */
export class ClipTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly bosId: number,
    private readonly eosId: number,
    private readonly padId: number,
  ) {}

  static async load(files: {
    vocabFile: string;
    mergesFile: string;
    configFiles: string[];
  }): Promise<ClipTokenizer> {
    const vocab = JSON.parse(await readFile(files.vocabFile, "utf8")) as Record<string, number>;
    const merges = (await readFile(files.mergesFile, "utf8"))
      .split("\n")
      .filter((line) => line.length > 0 && !line.startsWith("#version"));
    let config: Record<string, unknown> = {};
    for (const file of files.configFiles) {
      try {
        config = { ...JSON.parse(await readFile(file, "utf8")), ...config };
      } catch {
        // Optional files: CLIP's defaults apply.
      }
    }
    const tokenizer = new Tokenizer(clipTokenizerJson(vocab, merges), config);
    const id = (token: string, what: string) => {
      const v = vocab[token];
      if (typeof v !== "number") throw new Error(`the CLIP vocabulary has no ${what} token "${token}"`);
      return v;
    };
    const padName = tokenName(config.pad_token) ?? EOS;
    return new ClipTokenizer(tokenizer, id(BOS, "start"), id(EOS, "end"), id(padName, "padding"));
  }

  /** The 77 input ids for a prompt. */
  encode(prompt: string): number[] {
    const body = this.tokenizer
      .encode(prompt, { add_special_tokens: false })
      .ids.slice(0, CLIP_MAX_TOKENS - 2);
    const ids = [this.bosId, ...body, this.eosId];
    while (ids.length < CLIP_MAX_TOKENS) ids.push(this.padId);
    return ids;
  }
}
