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
 * Tiny T5 encoder: token embeddings mixed with the sum over the whole sequence (T5 attends both ways), so
 * every position, padding included, carries the prompt. The padding token (id 0) embeds to zero so that
 * the prompt, not the padding, sets that sum.
 */
export function buildT5Graph(
  opts: { vocabSize: number; hiddenDim: number },
  precision: Precision,
  seed: number,
): GraphBuilder {
  const rnd = new SeededRandom(seed);
  const g = new GraphBuilder("tiny_t5_encoder", precision);
  const D = opts.hiddenDim;
  const ids = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  const table = rnd.normals(opts.vocabSize * D, 1);
  table.fill(0, 0, D);
  const emb = g.node("Gather", [g.weight("shared", [opts.vocabSize, D], table), ids], { axis: 0 });
  const context = g.node("ReduceSum", [emb, g.constInt64("seq_axis", [1], [1])], { keepdims: 1 });
  const local = g.node("MatMul", [emb, g.weight("local", [D, D], rnd.normals(D * D, 0.5 / Math.sqrt(D)))]);
  const global = g.node("MatMul", [
    context,
    g.weight("global", [D, D], rnd.normals(D * D, 0.5 / Math.sqrt(D))),
  ]);
  const hidden = g.node("Tanh", [g.node("Add", [local, global])]);
  g.output("last_hidden_state", hidden, ["batch_size", "sequence_length", D]);
  return g;
}
