import { MOOD_COUNT, moodOfPiece } from "./demo-words.js";
import { type ElemType, GraphBuilder, type Precision } from "./graph-builder.js";
import { SeededRandom } from "./seeded-random.js";

export const CLIP_SEQUENCE = 77;

/**
 * Tiny CLIP text model: token embeddings, a causal running mean (each position sees the tokens before it,
 * like CLIP's causal attention), position embeddings; pooler_output is the hidden state at the first
 * end-of-text token (the highest id), as CLIPTextModel pools.
 */
export function buildClipGraph(
  opts: { vocabSize: number; hiddenDim: number; inputIdsType: ElemType },
  precision: Precision,
  seed: number,
): GraphBuilder {
  const rnd = new SeededRandom(seed);
  const g = new GraphBuilder("tiny_clip_text_model", precision);
  const D = opts.hiddenDim;
  const ids = g.input("input_ids", opts.inputIdsType, ["batch_size", "sequence_length"]);
  const table = g.weight("token_embedding", [opts.vocabSize, D], rnd.normals(opts.vocabSize * D, 1));
  const emb = g.node("Gather", [table, ids], { axis: 0 });
  const running = g.node("CumSum", [emb, g.constInt64("seq_axis", [], [1])]);
  const counts = Array.from({ length: CLIP_SEQUENCE }, (_, i) => i + 1);
  const mean = g.node("Div", [running, g.constFloat("positions", [CLIP_SEQUENCE, 1], counts)]);
  const mixed = g.node("MatMul", [mean, g.weight("mix", [D, D], rnd.normals(D * D, 1.5 / Math.sqrt(D)))]);
  const hidden = g.node("Tanh", [
    g.node("Add", [
      mixed,
      g.weight("position_embedding", [CLIP_SEQUENCE, D], rnd.normals(CLIP_SEQUENCE * D, 0.1)),
    ]),
  ]);
  g.output("last_hidden_state", hidden, ["batch_size", "sequence_length", D]);

  const idsFloat = g.node("Cast", [ids], { to: 1 });
  const eos = g.node("ArgMax", [idsFloat], { axis: 1, keepdims: 0 }); // [B]
  const oneHot = g.node(
    "OneHot",
    [eos, g.constInt64("depth", [], [CLIP_SEQUENCE]), g.constFloat("onehot_values", [2], [0, 1])],
    {
      axis: -1,
    },
  ); // [B,77]
  const picked = g.node("MatMul", [g.node("Unsqueeze", [oneHot, g.constInt64("axis_1", [1], [1])]), hidden]); // [B,1,D]
  const pooled = g.node("Squeeze", [picked, g.constInt64("squeeze_axis", [1], [1])]);
  g.output("pooler_output", pooled, ["batch_size", D]);
  return g;
}

/**
 * Tiny T5 encoder. Features 0..MOOD_COUNT-1 of every position say which mood word (demo-words.ts) the
 * token is: 1 in that word's feature, 0 everywhere for any other token, padding and </s> included. The
 * demo transformer reads only these. The other features are what a real encoder gives, text mixed with
 * its context (token embedding plus the sum over the whole sequence, as T5 attends both ways); the
 * padding token embeds to zero so that the prompt, not the padding, sets that sum.
 */
export function buildT5Graph(
  opts: { vocab: string[]; hiddenDim: number },
  precision: Precision,
  seed: number,
): GraphBuilder {
  const rnd = new SeededRandom(seed);
  const g = new GraphBuilder("tiny_t5_encoder", precision);
  const V = opts.vocab.length;
  const D = opts.hiddenDim - MOOD_COUNT;
  if (D < 1)
    throw new RangeError(`hiddenDim ${opts.hiddenDim} leaves no room beside ${MOOD_COUNT} mood features`);
  const ids = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  const moodTable = new Float32Array(V * MOOD_COUNT);
  opts.vocab.forEach((piece, id) => {
    const mood = moodOfPiece(piece);
    if (mood >= 0) moodTable[id * MOOD_COUNT + mood] = 1;
  });
  const moods = g.node("Gather", [g.weight("mood_embedding", [V, MOOD_COUNT], moodTable), ids], { axis: 0 });
  const table = rnd.normals(V * D, 1);
  table.fill(0, 0, D);
  const emb = g.node("Gather", [g.weight("shared", [V, D], table), ids], { axis: 0 });
  const context = g.node("ReduceSum", [emb, g.constInt64("seq_axis", [1], [1])], { keepdims: 1 });
  const local = g.node("MatMul", [emb, g.weight("local", [D, D], rnd.normals(D * D, 0.5 / Math.sqrt(D)))]);
  const global = g.node("MatMul", [
    context,
    g.weight("global", [D, D], rnd.normals(D * D, 0.5 / Math.sqrt(D))),
  ]);
  const hidden = g.node("Tanh", [g.node("Add", [local, global])]);
  const out = g.node("Concat", [moods, hidden], { axis: 2 });
  g.output("last_hidden_state", out, ["batch_size", "sequence_length", opts.hiddenDim]);
  return g;
}
