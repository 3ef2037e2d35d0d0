import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import {
  exportSignatureDifferences,
  FLUX_EXPORT_SIGNATURE,
} from "../../../gpu-worker/src/flux/export-signature.js";
import { readOnnxFileInfo } from "../../../gpu-worker/src/flux/onnx/onnx-signature.js";
import type { TinyModelOptions } from "../../../gpu-worker/tools/tiny-model/write-tiny-model.js";
import { removeDir, tinyModelDir } from "./tiny-fixtures.js";

async function differences(dir: string, floatType: "float32" | "float16"): Promise<string[]> {
  const out: string[] = [];
  for (const sig of FLUX_EXPORT_SIGNATURE) {
    const info = await readOnnxFileInfo(path.join(dir, sig.part, "model.onnx"));
    const config = JSON.parse(await readFile(path.join(dir, sig.part, "config.json"), "utf8"));
    out.push(...exportSignatureDifferences(sig, info, config, floatType));
  }
  return out;
}

describe("the tiny-model generator writes the real FLUX.1 export's signature", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  const cases: Array<[string, TinyModelOptions, "float32" | "float16", string | null]> = [
    ["dev, fp32, weights inside", {}, "float32", null],
    [
      "schnell, fp32, exporter's model.onnx_data",
      { variant: "schnell", externalData: true },
      "float32",
      "model.onnx_data",
    ],
    [
      "dev, fp16, optimizer's model.onnx.data",
      { precision: "fp16", externalData: true, externalDataName: "model.onnx.data" },
      "float16",
      "model.onnx.data",
    ],
  ];
  for (const [name, options, floatType, dataName] of cases) {
    it(name, async () => {
      const dir = await tinyModelDir(options);
      dirs.push(dir);
      assert.deepEqual(await differences(dir, floatType), []);
      for (const sig of FLUX_EXPORT_SIGNATURE) {
        const info = await readOnnxFileInfo(path.join(dir, sig.part, "model.onnx"));
        assert.deepEqual(info.externalDataFiles, dataName ? [dataName] : [], sig.part);
      }
      const scheduler = JSON.parse(
        await readFile(path.join(dir, "scheduler", "scheduler_config.json"), "utf8"),
      );
      const dev = options.variant !== "schnell";
      assert.equal(scheduler.use_dynamic_shifting, dev);
      assert.equal(scheduler.shift, dev ? 3 : 1);
    });
  }

  it("names what differs: float ids, a missing guidance, the wrong width", async () => {
    const dir = await tinyModelDir();
    dirs.push(dir);
    const transformer = FLUX_EXPORT_SIGNATURE[0];
    const info = await readOnnxFileInfo(path.join(dir, "transformer", "model.onnx"));
    const config = JSON.parse(await readFile(path.join(dir, "transformer", "config.json"), "utf8"));
    const floatIds = {
      ...info,
      inputs: info.inputs.map((i) => (i.name === "img_ids" ? { ...i, type: "float32" } : i)),
    };
    assert.deepEqual(exportSignatureDifferences(transformer, floatIds, config, "float32"), [
      "transformer: input img_ids is float32, the export has int64",
    ]);
    const schnellConfig = { ...config, guidance_embeds: false };
    assert.match(
      exportSignatureDifferences(transformer, info, schnellConfig, "float32")[0],
      /inputs are \[.*guidance\], the export has \[hidden_states, .*txt_ids\]/,
    );
    const wider = { ...config, joint_attention_dim: 4096 };
    assert.deepEqual(exportSignatureDifferences(transformer, info, wider, "float32"), [
      "transformer: input encoder_hidden_states has axes [batch_size, sequence_length, 32], the export has [batch_size, sequence_length, 4096]",
    ]);
  });
});
