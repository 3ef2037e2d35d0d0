import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ModelLoadError } from "../../../gpu-worker/src/flux/errors/model-load-error.js";
import { detectVariant, readModelFolder } from "../../../gpu-worker/src/flux/model-folder.js";
import { readOnnxFileInfo } from "../../../gpu-worker/src/flux/onnx/onnx-signature.js";
import { removeDir, tinyModelDir } from "./tiny-fixtures.js";

describe("model folder", () => {
  const dirs: string[] = [];
  const tiny = async (options = {}) => {
    const d = await tinyModelDir(options);
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it("reads the VAE scaling from its config, the files and a stable id", async () => {
    const dir = await tiny();
    const folder = await readModelFolder(dir);
    assert.deepEqual(folder.vae, { scalingFactor: 0.3611, shiftFactor: 0.1159, latentChannels: 16 });
    assert.equal(folder.isTiny, true);
    assert.equal(folder.onnxFiles.transformer, path.join(dir, "transformer", "model.onnx"));
    assert.equal(folder.transformerConfig.joint_attention_dim, 32);
    assert.match(folder.id, new RegExp(`^${path.basename(dir)}-[0-9a-f]{12}$`));
    assert.equal((await readModelFolder(dir)).id, folder.id);
  });

  it("gives an fp16 export another id than an fp32 one", async () => {
    const a = await readModelFolder(await tiny());
    const b = await readModelFolder(await tiny({ precision: "fp16" }));
    assert.notEqual(a.id.split("-").pop(), b.id.split("-").pop());
  });

  it("tells dev from schnell by the transformer's guidance input", async () => {
    const dev = await tiny();
    const schnell = await tiny({ variant: "schnell" });
    assert.equal(detectVariant(await readOnnxFileInfo(path.join(dev, "transformer", "model.onnx"))), "dev");
    assert.equal(
      detectVariant(await readOnnxFileInfo(path.join(schnell, "transformer", "model.onnx"))),
      "schnell",
    );
  });

  it("a folder that does not exist is a ModelLoadError naming it", async () => {
    const missing = path.join(await tiny(), "nothing-here");
    await assert.rejects(readModelFolder(missing), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.equal(err.location, missing);
      assert.match(err.message, /does not exist/);
      return true;
    });
  });

  it("a missing model file is a ModelLoadError naming the component and the file", async () => {
    const dir = await tiny();
    const file = path.join(dir, "vae_decoder", "model.onnx");
    await rm(file);
    await assert.rejects(readModelFolder(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.equal(err.location, file);
      assert.equal(err.message, `The vae_decoder model is missing: expected ${file}.`);
      return true;
    });
  });

  it("lists every problem at once", async () => {
    const dir = await tiny();
    await rm(path.join(dir, "tokenizer", "merges.txt"));
    await writeFile(path.join(dir, "transformer", "config.json"), "{ not json");
    await assert.rejects(readModelFolder(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.match(err.message, /cannot be used/);
      assert.match(err.message, /merges\.txt is missing/);
      assert.match(err.message, /transformer's config\.json at .* is not valid JSON/);
      return true;
    });
  });

  it("a VAE config without scaling_factor is a ModelLoadError that says what FLUX.1 uses", async () => {
    const dir = await tiny();
    const file = path.join(dir, "vae_decoder", "config.json");
    const config = JSON.parse(await readFile(file, "utf8"));
    delete config.scaling_factor;
    await writeFile(file, JSON.stringify(config));
    await assert.rejects(readModelFolder(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.equal(err.location, file);
      assert.match(err.message, /scaling_factor.*0\.3611/);
      return true;
    });
  });
});
