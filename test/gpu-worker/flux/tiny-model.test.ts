import assert from "node:assert/strict";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { readOnnxFileInfo } from "../../../gpu-worker/src/flux/onnx/onnx-signature.js";
import { ensureTinyModel } from "../../../gpu-worker/tools/tiny-model/ensure-tiny-model.js";
import { TINY_STAMP_FILE, writeTinyModel } from "../../../gpu-worker/tools/tiny-model/write-tiny-model.js";
import { removeDir, tempDir } from "./tiny-fixtures.js";

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const LAYOUT = [
  "model_index.json",
  "scheduler/scheduler_config.json",
  "text_encoder/config.json",
  "text_encoder/model.onnx",
  "text_encoder_2/config.json",
  "text_encoder_2/model.onnx",
  TINY_STAMP_FILE,
  "tokenizer/merges.txt",
  "tokenizer/special_tokens_map.json",
  "tokenizer/tokenizer_config.json",
  "tokenizer/vocab.json",
  "tokenizer_2/special_tokens_map.json",
  "tokenizer_2/tokenizer.json",
  "tokenizer_2/tokenizer_config.json",
  "transformer/config.json",
  "transformer/model.onnx",
  "vae_decoder/config.json",
  "vae_decoder/model.onnx",
  "vae_encoder/config.json",
  "vae_encoder/model.onnx",
].sort();

const EXTERNAL = ["transformer", "vae_encoder", "vae_decoder", "text_encoder", "text_encoder_2"].map((c) =>
  path.join(c, "model.onnx_data"),
);

describe("tiny-model generator", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });
  const fresh = async (name: string) => {
    const d = await tempDir(name);
    dirs.push(d);
    return d;
  };

  it("writes Optimum's FLUX.1 layout, the same bytes on every run, in well under a few MB", async () => {
    const a = await fresh("gen-a");
    const b = await fresh("gen-b");
    await writeTinyModel(a);
    await writeTinyModel(b);
    const files = await listFiles(a);
    assert.deepEqual(files, LAYOUT);
    assert.deepEqual(await listFiles(b), files);
    let total = 0;
    for (const f of files) {
      const bytesA = await readFile(path.join(a, f));
      assert.ok(bytesA.equals(await readFile(path.join(b, f))), `${f} differs between two runs`);
      total += bytesA.length;
    }
    assert.ok(total < 2_000_000, `the tiny model takes ${total} bytes`);
  });

  it("writes the export's input and output names, ranks and types (dev, fp32)", async () => {
    const dir = await fresh("sig");
    await writeTinyModel(dir);
    const t = await readOnnxFileInfo(path.join(dir, "transformer", "model.onnx"));
    const byName = Object.fromEntries(t.inputs.map((i) => [i.name, i]));
    assert.deepEqual(Object.keys(byName).sort(), [
      "encoder_hidden_states",
      "guidance",
      "hidden_states",
      "img_ids",
      "pooled_projections",
      "timestep",
      "txt_ids",
    ]);
    assert.deepEqual(byName.hidden_states.shape, ["batch_size", "packed_height_width", 64]);
    assert.deepEqual(byName.img_ids.shape, ["packed_height_width", 3]);
    assert.deepEqual(byName.timestep.shape, ["step"]);
    for (const i of t.inputs) assert.equal(i.type, /_ids$/.test(i.name) ? "int64" : "float32", i.name);
    assert.deepEqual(t.outputs, [
      { name: "out_hidden_states", type: "float32", shape: ["batch_size", "packed_height_width", 64] },
    ]);
    const clip = await readOnnxFileInfo(path.join(dir, "text_encoder", "model.onnx"));
    assert.deepEqual(clip.inputs, [
      { name: "input_ids", type: "int64", shape: ["batch_size", "sequence_length"] },
    ]);
    assert.deepEqual(
      clip.outputs.map((o) => o.name),
      ["last_hidden_state", "pooler_output"],
    );
    const enc = await readOnnxFileInfo(path.join(dir, "vae_encoder", "model.onnx"));
    assert.equal(enc.outputs[0].name, "latent_parameters");
    assert.equal(enc.outputs[0].shape[1], 32);
    const dec = await readOnnxFileInfo(path.join(dir, "vae_decoder", "model.onnx"));
    assert.equal(dec.inputs[0].name, "latent_sample");
    assert.equal(dec.outputs[0].name, "sample");
    assert.equal(t.externalDataFiles.length, 0);
  });

  it("writes schnell without guidance, fp16 tensors, external weights and int32 CLIP ids when asked", async () => {
    const dir = await fresh("variants");
    await writeTinyModel(dir, {
      variant: "schnell",
      precision: "fp16",
      externalData: true,
      clipInputIdsType: "int32",
    });
    const t = await readOnnxFileInfo(path.join(dir, "transformer", "model.onnx"));
    assert.equal(
      t.inputs.find((i) => i.name === "guidance"),
      undefined,
    );
    for (const i of [...t.inputs, ...t.outputs])
      assert.equal(i.type, /_ids$/.test(i.name) ? "int64" : "float16", i.name);
    assert.deepEqual(t.externalDataFiles, ["model.onnx_data"]);
    assert.ok((await stat(path.join(dir, "transformer", "model.onnx_data"))).size > 0);
    const clip = await readOnnxFileInfo(path.join(dir, "text_encoder", "model.onnx"));
    assert.equal(clip.inputs[0].type, "int32");
    const config = JSON.parse(await readFile(path.join(dir, "transformer", "config.json"), "utf8"));
    assert.equal(config.guidance_embeds, false);
  });

  it("ensureTinyModel writes a complete folder once and reuses it while it is current", async () => {
    const dir = await ensureTinyModel();
    const stamp = path.join(dir, TINY_STAMP_FILE);
    const first = (await stat(stamp)).mtimeMs;
    assert.deepEqual(await listFiles(dir), LAYOUT);
    assert.equal(await ensureTinyModel(), dir);
    assert.equal((await stat(stamp)).mtimeMs, first);
  });

  it("ensureTinyModel rewrites a folder left by another generator version", async () => {
    // Options no other test or process uses, so rewriting this folder disturbs nobody.
    const options = {
      variant: "schnell",
      precision: "fp16",
      externalData: true,
      clipInputIdsType: "int32",
    } as const;
    const dir = await ensureTinyModel(options);
    const stamp = path.join(dir, TINY_STAMP_FILE);
    const current = await readFile(stamp, "utf8");
    await writeFile(stamp, current.replace(/"version": \d+/, '"version": 0'));
    await rm(path.join(dir, "transformer", "model.onnx"));
    assert.equal(await ensureTinyModel(options), dir);
    assert.equal(await readFile(stamp, "utf8"), current);
    assert.deepEqual(await listFiles(dir), [...LAYOUT, ...EXTERNAL].sort());
  });
});
