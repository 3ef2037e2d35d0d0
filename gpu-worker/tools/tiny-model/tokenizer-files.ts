import { MOOD_WORDS } from "./demo-words.js";

/**
 * The tiny tokenisers' files, in the formats of a FLUX.1 export: CLIP's `vocab.json` + `merges.txt`
 * (byte-level BPE with "</w>" word ends) and T5's `tokenizer.json` (SentencePiece unigram).
 */

/** GPT-2/CLIP's reversible byte -> printable character table, in CLIP's vocabulary order. */
export function bytesToUnicode(): Array<[number, string]> {
  const bs: number[] = [];
  for (let b = "!".charCodeAt(0); b <= "~".charCodeAt(0); b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n += 1;
    }
  }
  return bs.map((b, i) => [b, String.fromCharCode(cs[i])]);
}

/** Words the tiny CLIP vocabulary spells as single tokens (everything else falls back to pieces). */
export const CLIP_WORDS = [
  "a",
  "photo",
  "of",
  "the",
  "cat",
  "dog",
  "red",
  "blue",
  "green",
  "hat",
  "in",
  "with",
  "wearing",
  "glasses",
  "snow",
  "winter",
  "sunset",
  "painting",
  "style",
  "make",
  "it",
];

export interface ClipTokenizerFiles {
  vocab: Record<string, number>;
  merges: string[];
}

/**
 * Builds each word left to right ("c a" -> "ca", "ca t</w>" -> "cat</w>"), as CLIP's merges do, and
 * numbers the vocabulary as CLIP does: 256 byte symbols, the same with "</w>", the merge results in merge
 * order, then <|startoftext|> and <|endoftext|> last (the highest id, which CLIP's pooling looks for).
 */
export function clipTokenizerFiles(): ClipTokenizerFiles {
  const symbols = bytesToUnicode().map(([, ch]) => ch);
  const vocabList = [...symbols, ...symbols.map((s) => `${s}</w>`)];
  const merges: string[] = [];
  const known = new Set(vocabList);
  for (const word of CLIP_WORDS) {
    const chars = [...word];
    if (chars.length < 2) continue;
    let left = chars[0];
    for (let i = 1; i < chars.length; i++) {
      const right = i === chars.length - 1 ? `${chars[i]}</w>` : chars[i];
      const merged = left + right;
      const rule = `${left} ${right}`;
      if (!known.has(merged)) {
        merges.push(rule);
        vocabList.push(merged);
        known.add(merged);
      }
      left = merged;
    }
  }
  vocabList.push("<|startoftext|>", "<|endoftext|>");
  const vocab: Record<string, number> = {};
  vocabList.forEach((tok, id) => {
    vocab[tok] = id;
  });
  return { vocab, merges };
}

export function clipMergesText(merges: string[]): string {
  return `#version: 0.2\n${merges.join("\n")}\n`;
}

/** Whole-word pieces of the tiny T5 vocabulary; characters are pieces too, so any text encodes. */
export const T5_WORDS = ["a", "the", "cat", "dog", "red", "blue", "hat", "photo", "of", "in", "with", "snow"];
const T5_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()";

/**
 * The demo model's mood words (demo-words.ts) as whole-word pieces, lower-case and capitalised (T5 does
 * not lower-case). After the characters, so the ids of the pieces above never move.
 */
export function moodPieces(): string[] {
  const out: string[] = [];
  for (const word of MOOD_WORDS)
    for (const piece of word.pieces) {
      if (T5_WORDS.includes(piece)) continue;
      out.push(`▁${piece}`, `▁${piece[0].toUpperCase()}${piece.slice(1)}`);
    }
  return out;
}

/** [piece, log-probability] as in a T5 tokenizer.json; ids are positions. */
export function t5Vocab(): Array<[string, number]> {
  const vocab: Array<[string, number]> = [
    ["<pad>", 0],
    ["</s>", 0],
    ["<unk>", 0],
    ["▁", -3],
  ];
  for (const w of T5_WORDS) vocab.push([`▁${w}`, -4]);
  for (const ch of T5_CHARS) vocab.push([ch, -5]);
  for (const piece of moodPieces()) vocab.push([piece, -4]);
  return vocab;
}

/** A tokenizer.json with the structure of T5's fast tokenizer (less its precompiled normaliser table). */
export function t5TokenizerJson(): Record<string, unknown> {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(0, "<pad>"), special(1, "</s>"), special(2, "<unk>")],
    normalizer: {
      type: "Sequence",
      normalizers: [{ type: "NFKC" }, { type: "Replace", pattern: { Regex: " {2,}" }, content: " " }],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "WhitespaceSplit" },
        { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
      ],
    },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } }],
      pair: [
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "</s>", type_id: 0 } },
        { Sequence: { id: "B", type_id: 0 } },
        { SpecialToken: { id: "</s>", type_id: 0 } },
      ],
      special_tokens: { "</s>": { id: "</s>", ids: [1], tokens: ["</s>"] } },
    },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    model: { type: "Unigram", unk_id: 2, vocab: t5Vocab(), byte_fallback: false },
  };
}
