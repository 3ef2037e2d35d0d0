import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import sharp from "sharp";
import { editImage } from "../../../gpu-worker/src/flux/edit-image.js";
import { ModelLoadError } from "../../../gpu-worker/src/flux/errors/model-load-error.js";
import { PromptTooLongError } from "../../../gpu-worker/src/flux/errors/prompt-too-long-error.js";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import { readFolderSchedule } from "../../../gpu-worker/src/flux/scheduler-config.js";
import type { FluxModel, TransformerInput } from "../../../gpu-worker/src/flux/types.js";
import {
  DEV_SCHEDULE,
  imageSeqLen,
  SCHNELL_SCHEDULE,
  scheduleSigmas,
} from "../../../gpu-worker/src/rf/index.js";
import { quietLogger, removeDir, tinyModelDir } from "./tiny-fixtures.js";

const STEPS = 5;
const SIZE = 128;

/** The sigmas an edit feeds the transformer, in call order (inversion, then editing). */
async function sigmasFed(model: FluxModel): Promise<number[]> {
  const seen: number[] = [];
  const recording: FluxModel = {
    info: model.info,
    encodePrompt: (p) => model.encodePrompt(p),
    vaeEncode: (px, w, h) => model.vaeEncode(px, w, h),
    vaeDecode: (l, w, h) => model.vaeDecode(l, w, h),
    transformer: (input: TransformerInput) => {
      seen.push(input.sigma);
      return model.transformer(input);
    },
    close: () => model.close(),
  };
  const image = await sharp({
    create: { width: SIZE, height: SIZE, channels: 3, background: { r: 90, g: 140, b: 200 } },
  })
    .png()
    .toBuffer();
  await editImage(recording, {
    image,
    prompt: "winter",
    strength: 0.5,
    seed: 1,
    steps: STEPS,
    gamma: 0.5,
    eta: 0.9,
    sampler: "ode",
    solver: "euler",
    guidance: 3.5,
    inversionSeed: 0,
    targetMegapixels: (SIZE * SIZE) / 1e6,
  });
  return seen;
}

/** The editing pass walks the schedule from noise down: sigma_0 .. sigma_{N-1}. */
function editingSigmas(fed: number[]): number[] {
  return fed.slice(STEPS);
}

describe("the schedule and T5 length come from the folder", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });
  const tiny = async (variant: "dev" | "schnell") => {
    const d = await tinyModelDir({ variant });
    dirs.push(d);
    return d;
  };

  it("reads scheduler_config.json, and falls back to the variant's schedule without it", async () => {
    const dev = await tiny("dev");
    const schnell = await tiny("schnell");
    assert.deepEqual((await readFolderSchedule(dev, "dev")).schedule, DEV_SCHEDULE);
    assert.deepEqual((await readFolderSchedule(schnell, "schnell")).schedule, SCHNELL_SCHEDULE);
    await rm(path.join(schnell, "scheduler"), { recursive: true });
    const fallback = await readFolderSchedule(schnell, "schnell");
    assert.deepEqual(fallback.schedule, SCHNELL_SCHEDULE);
    assert.match(fallback.source, /FLUX\.1-schnell's default \(the folder has no scheduler/);
    assert.deepEqual((await readFolderSchedule(schnell, "dev")).schedule, DEV_SCHEDULE);
  });

  it("refuses a scheduler config it cannot read, naming the file and the key", async () => {
    const dir = await tiny("dev");
    const file = path.join(dir, "scheduler", "scheduler_config.json");
    await writeFile(file, "{ not json");
    await assert.rejects(readFolderSchedule(dir, "dev"), (err: Error) => {
      assert.ok(err instanceof ModelLoadError);
      assert.match(err.message, /scheduler_config\.json is not valid JSON/);
      return true;
    });
    await writeFile(file, JSON.stringify({ use_dynamic_shifting: "yes", shift: 3 }));
    await assert.rejects(
      readFolderSchedule(dir, "dev"),
      /use_dynamic_shifting is "yes", expected a true or false/,
    );
  });

  it("edits on the folder's sigmas, and a changed config changes them (and the cache id)", async () => {
    const dir = await tiny("dev");
    const seqLen = imageSeqLen(SIZE, SIZE);
    const first = await loadFluxModel({ dir, executionProvider: "cpu", logger: quietLogger });
    let shifted: number[];
    try {
      shifted = editingSigmas(await sigmasFed(first));
      assert.deepEqual(shifted, Array.from(scheduleSigmas(STEPS, seqLen, DEV_SCHEDULE).slice(0, STEPS)));
    } finally {
      await first.close();
    }
    const file = path.join(dir, "scheduler", "scheduler_config.json");
    const config = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify({ ...config, use_dynamic_shifting: false, shift: 2 }));
    const second = await loadFluxModel({ dir, executionProvider: "cpu", logger: quietLogger });
    try {
      const fed = editingSigmas(await sigmasFed(second));
      // shift t / (1 + (shift - 1) t) with t = 1 - i/N, as diffusers' static shift.
      const expected = Array.from({ length: STEPS }, (_, i) => {
        const t = 1 - i / STEPS;
        return (2 * t) / (1 + t);
      });
      for (const [i, s] of fed.entries()) {
        assert.ok(Math.abs(s - expected[i]) < 1e-12, `sigma ${i}: ${s} vs ${expected[i]}`);
      }
      assert.notDeepEqual(fed, shifted);
      assert.notEqual(second.info.id, first.info.id, "cached inversions of the old schedule are not reused");
    } finally {
      await second.close();
    }
  });

  it("schnell runs unshifted and refuses a prompt over 256 T5 tokens in words; dev takes it", async () => {
    const prompt = "a red cat ".repeat(100); // 300 tokens and the end-of-text token with the tiny vocabulary
    const schnell = await loadFluxModel({
      dir: await tiny("schnell"),
      executionProvider: "cpu",
      logger: quietLogger,
    });
    const dev = await loadFluxModel({
      dir: await tiny("dev"),
      executionProvider: "cpu",
      logger: quietLogger,
    });
    try {
      assert.equal(schnell.info.maxPromptTokens, 256);
      assert.deepEqual(schnell.info.schedule, SCHNELL_SCHEDULE);
      await assert.rejects(schnell.encodePrompt(prompt), (err: Error) => {
        assert.ok(err instanceof PromptTooLongError);
        assert.match(err.message, /makes 300 text tokens and the model reads at most 255 text tokens/);
        return true;
      });
      assert.equal(dev.info.maxPromptTokens, 512);
      const embedding = await dev.encodePrompt(prompt);
      assert.equal(embedding.sequence.length, 512 * dev.info.textDim);
      const short = await schnell.encodePrompt("winter");
      assert.equal(short.sequence.length, 256 * schnell.info.textDim);
    } finally {
      await Promise.all([schnell.close(), dev.close()]);
    }
  });
});
