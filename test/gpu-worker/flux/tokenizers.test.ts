import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { PromptTooLongError } from "../../../gpu-worker/src/flux/errors/prompt-too-long-error.js";
import { ClipTokenizer } from "../../../gpu-worker/src/flux/tokenizers/clip-tokenizer.js";
import { T5Tokenizer } from "../../../gpu-worker/src/flux/tokenizers/t5-tokenizer.js";
import { removeDir, tinyModelDir } from "./tiny-fixtures.js";

/*
 * Ids worked out by hand from the tiny vocabularies (gpu-worker/tools/tiny-model/tokenizer-files.ts).
 * CLIP: byte symbols in GPT-2 order ("!" = 0, so "a" = 0x61 - 0x21 = 64, "c" = 66, "s" = 82, "t" = 83),
 * the same + "</w>" at +256 ("a</w>" = 320, "!</w>" = 256), then merge results from 512 in merge order:
 * ph 512, pho 513, phot 514, photo</w> 515, of</w> 516, th 517, the</w> 518, ca 519, cat</w> 520, ...;
 * <|startoftext|> 577 and <|endoftext|> 578 last (578 also pads).
 * T5: <pad> 0, </s> 1, <unk> 2, "▁" 3, ▁a 4, ▁the 5, ▁cat 6, ▁dog 7, ▁red 8, ▁blue 9, ▁hat 10, ...,
 * then single characters from 16 ("a" = 16, "e" = 20, ..., "z" = 41).
 */
const BOS = 577;
const EOS = 578;

describe("tokenisers on the tiny vocabularies", () => {
  let dir: string;
  let clip: ClipTokenizer;
  let t5: T5Tokenizer;
  before(async () => {
    dir = await tinyModelDir();
    clip = await ClipTokenizer.load({
      vocabFile: path.join(dir, "tokenizer", "vocab.json"),
      mergesFile: path.join(dir, "tokenizer", "merges.txt"),
      configFiles: [path.join(dir, "tokenizer", "tokenizer_config.json")],
    });
    t5 = await T5Tokenizer.load({
      tokenizerFile: path.join(dir, "tokenizer_2", "tokenizer.json"),
      configFiles: [],
    });
  });
  after(() => removeDir(dir));

  it("CLIP: lower-cases, merges whole words, wraps in start/end and pads with end-of-text to 77", () => {
    const ids = clip.encode("A  Photo of THE cat");
    assert.equal(ids.length, 77);
    assert.deepEqual(ids.slice(0, 8), [BOS, 320, 515, 516, 518, 520, EOS, EOS]);
    assert.ok(ids.slice(6).every((id) => id === EOS));
  });

  it("CLIP: spells unknown words with pieces and byte symbols, splits digits and punctuation", () => {
    // cats -> ca t s</w>; ! -> !</w>; xyz -> x y z</w>; 42 -> 4</w> 2</w>
    assert.deepEqual(clip.encode("cats! xyz 42").slice(0, 11), [
      BOS,
      519,
      83,
      338,
      256,
      87,
      88,
      345,
      275,
      273,
      EOS,
    ]);
  });

  it("CLIP: silently keeps the first 75 tokens of a longer prompt, as diffusers does", () => {
    const ids = clip.encode("a ".repeat(100));
    assert.equal(ids.length, 77);
    assert.deepEqual(ids, [BOS, ...new Array(75).fill(320), EOS]);
  });

  it("T5: whole-word pieces, characters for the rest, </s> then <pad> to 512", () => {
    const ids = t5.encode("a red cat  wearing hats");
    assert.equal(ids.length, 512);
    assert.deepEqual(ids.slice(0, 15), [4, 8, 6, 3, 38, 20, 16, 33, 24, 29, 22, 10, 34, 1, 0]);
    assert.ok(ids.slice(14).every((id) => id === 0));
  });

  it("T5: takes a prompt of exactly 511 tokens and rejects 512 with the limit in words", () => {
    const fits = t5.encode("cat ".repeat(511));
    assert.equal(fits.length, 512);
    assert.equal(fits[510], 6);
    assert.equal(fits[511], 1);
    assert.throws(
      () => t5.encode("cat ".repeat(520)),
      (err: unknown) => {
        assert.ok(err instanceof PromptTooLongError);
        assert.equal(err.tokens, 521);
        assert.equal(err.maxTokens, 512);
        assert.equal(err.wordsOver, 9);
        assert.match(err.message, /at most 511/);
        assert.match(err.message, /520 text tokens/);
        assert.match(err.message, /about 9 words/);
        return true;
      },
    );
  });
});
