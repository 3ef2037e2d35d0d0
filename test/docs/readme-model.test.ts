import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { envSchema } from "../../config/schema.js";
import { memoryTablesMarkdown } from "../../gpu-worker/src/flux/memory-table.js";

const ROOT = join(import.meta.dirname, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("shows the memory tables as computed from FLUX.1's configs, not typed in", () => {
    assert.ok(
      readme.includes(memoryTablesMarkdown()),
      "README's tables are `npx tsx bench/model-memory.ts` output",
    );
  });

  it("walks through the export script step by step", () => {
    const model = readme.slice(readme.indexOf("## The model"), readme.indexOf("## Settings"));
    const order = [
      "pip install -r gpu-worker/tools/export/requirements.txt",
      "npm run models:export -- --model black-forest-labs/FLUX.1-dev --out models/flux-dev --dry-run",
      "optimum-cli export onnx --task text-to-image --opset 15",
      "optimize_pipeline --float16",
      "npm run models:check -- models/flux-dev",
      "MODEL_DIR=$PWD/models/flux-dev npm start",
      "npm run gpu:install-cuda",
      "npm run bench:gpu",
    ];
    let at = 0;
    for (const text of order) {
      const found = model.indexOf(text, at);
      assert.ok(found >= 0, `"${text}" after the previous step`);
      at = found;
    }
  });

  it("lists every model setting in its settings table", () => {
    for (const key of [
      "EXECUTION_PROVIDER",
      "TEXT_ENCODER_PROVIDER",
      "VAE_PROVIDER",
      "PROMPT_CACHE_TTL_SECONDS",
    ]) {
      assert.ok(key in envSchema.shape, key);
      assert.match(
        readme,
        new RegExp(`^\\|[^\\n]*\`${key}\`[^\\n]*\\|`, "m"),
        `${key} in the settings table`,
      );
    }
  });
});
