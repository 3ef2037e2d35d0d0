import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ModelLoadError } from "../../../gpu-worker/src/flux/errors/model-load-error.js";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import { readModelFolder } from "../../../gpu-worker/src/flux/model-folder.js";
import { checkWorkingSize } from "../../../gpu-worker/src/flux/size-limits.js";
import { quietLogger, removeDir, tinyModelDir } from "./tiny-fixtures.js";

describe("sizes the model can take are checked at load", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it("refuses a TARGET_MEGAPIXELS above what FLUX.1 is trained for, before any edit", async () => {
    const dir = await tinyModelDir();
    dirs.push(dir);
    await assert.rejects(
      loadFluxModel({ dir, executionProvider: "cpu", targetMegapixels: 3, logger: quietLogger }),
      (err: Error) => {
        assert.ok(err instanceof ModelLoadError);
        assert.match(
          err.message,
          /TARGET_MEGAPIXELS=3 is above what FLUX\.1 is trained for \(about 2 megapixels; at most 2\.1\)/,
        );
        return true;
      },
    );
    const model = await loadFluxModel({
      dir,
      executionProvider: "cpu",
      targetMegapixels: 2,
      logger: quietLogger,
    });
    await model.close();
  });

  it("refuses a size whose unfused attention matrices do not fit, with the numbers", async () => {
    const dir = await tinyModelDir();
    dirs.push(dir);
    // FLUX.1's 24 heads on a 6 GB device: at 2 MP, 7813 + 512 tokens make 6.7 GB per matrix.
    const configFile = path.join(dir, "transformer", "config.json");
    const config = JSON.parse(await readFile(configFile, "utf8"));
    await writeFile(configFile, JSON.stringify({ ...config, num_attention_heads: 24 }));
    const folder = await readModelFolder(dir);
    const check = (targetMegapixels: number, fusedAttention: boolean) =>
      checkWorkingSize({
        targetMegapixels,
        folder,
        transformerConfig: folder.transformerConfig,
        t5Tokens: 512,
        onGpu: true,
        fusedAttention,
        deviceBytes: 6e9,
      });
    await assert.rejects(check(2, false), (err: Error) => {
      assert.match(
        err.message,
        /TARGET_MEGAPIXELS=2 does not fit: 8325 tokens \(7813 image \+ 512 text\) make 24 x 8325\^2 x 4 bytes = 6\.7 GB per attention matrix, on top of 0\.0 GB of transformer weights, and the device has 6\.0 GB/,
      );
      assert.match(err.message, /npm run models:export/);
      return true;
    });
    await check(1, false); // 4419 tokens: 1.9 GB, fits
    await check(2, true); // fused attention never builds the matrix
  });
});
