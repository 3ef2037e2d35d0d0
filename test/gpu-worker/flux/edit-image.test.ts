import assert from "node:assert/strict";
import { describe, it } from "node:test";
import sharp from "sharp";
import { editImage } from "../../../gpu-worker/src/flux/edit-image.js";
import type {
  EditImageParams,
  InversionCache,
  InversionEntry,
  ProgressUpdate,
} from "../../../gpu-worker/src/flux/types.js";
import { NotAnImageError } from "../../../src/images/index.js";
import { AnalyticFluxModel } from "./analytic-flux-model.js";

const STEPS = 6;
/** 128x128 working size keeps every run to milliseconds. */
const TARGET_MP = (128 * 128) / (1024 * 1024);

async function gradient(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([(x * 255) / width, (y * 255) / height, 128], (y * width + x) * 3);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function params(image: Uint8Array, over: Partial<EditImageParams> = {}): EditImageParams {
  return {
    image,
    prompt: "a snowy street",
    strength: 0.5,
    seed: 7,
    steps: STEPS,
    gamma: 0.5,
    eta: 0.9,
    sampler: "sde",
    guidance: 3.5,
    inversionSeed: 0,
    targetMegapixels: TARGET_MP,
    ...over,
  };
}

class MemoryCache implements InversionCache {
  readonly entries = new Map<string, InversionEntry>();
  async get(key: string) {
    return this.entries.get(key) ?? null;
  }
  async set(key: string, entry: InversionEntry) {
    this.entries.set(key, entry);
  }
}

describe("editImage with a closed-form model", () => {
  it("returns a PNG at the input's size, with 2N transformer calls and timings", async () => {
    const model = new AnalyticFluxModel();
    const image = await gradient(96, 64);
    const result = await editImage(model, params(image));
    const meta = await sharp(result.png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ["png", 96, 64]);
    assert.deepEqual([result.width, result.height], [96, 64]);
    assert.equal(result.transformerCalls, 2 * STEPS);
    assert.equal(model.calls.transformer, 2 * STEPS);
    assert.equal(result.inversionCached, false);
    assert.equal(result.model.id, "analytic-test-flow");
    for (const phase of [
      "decode",
      "textEncode",
      "vaeEncode",
      "invert",
      "edit",
      "vaeDecode",
      "encodePng",
    ] as const) {
      assert.ok((result.timingsMs[phase] ?? -1) >= 0, `timing for ${phase}`);
    }
    assert.ok(result.totalMs >= (result.timingsMs.invert ?? 0));
  });

  it("gives byte-identical PNGs for the same inputs", async () => {
    const image = await gradient(64, 64);
    const a = await editImage(new AnalyticFluxModel(), params(image));
    const b = await editImage(new AnalyticFluxModel(), params(Buffer.from(image)));
    assert.ok(a.png.equals(b.png));
  });

  it("changes the output with strength, prompt and (SDE) seed, not with the seed under ODE", async () => {
    const model = new AnalyticFluxModel();
    const image = await gradient(64, 64);
    const base = (await editImage(model, params(image))).png;
    const differs = async (over: Partial<EditImageParams>) =>
      !(await editImage(model, params(image, over))).png.equals(base);
    assert.ok(await differs({ strength: 0.6 }), "strength");
    assert.ok(await differs({ prompt: "a sunny beach" }), "prompt");
    assert.ok(await differs({ seed: 8 }), "seed");
    const ode = (await editImage(model, params(image, { sampler: "ode" }))).png;
    const odeOtherSeed = (await editImage(model, params(image, { sampler: "ode", seed: 99 }))).png;
    assert.ok(ode.equals(odeOtherSeed));
  });

  it("stays closer to the picture at strength 0 than at strength 1", async () => {
    const image = await gradient(64, 64);
    const model = new AnalyticFluxModel();
    const pixels = async (png: Buffer) => sharp(png).raw().toBuffer();
    const original = await pixels(await sharp(image).png().toBuffer());
    const distance = (a: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - original[i]), 0);
    const kept = distance(await pixels((await editImage(model, params(image, { strength: 0, eta: 1 }))).png));
    const free = distance(await pixels((await editImage(model, params(image, { strength: 1 }))).png));
    assert.ok(kept < free, `strength 0 (${kept}) should stay closer than strength 1 (${free})`);
  });

  it("reuses the cached inversion when only strength, prompt or seed changes: N calls, not 2N", async () => {
    const model = new AnalyticFluxModel();
    const cache = new MemoryCache();
    const image = await gradient(64, 64);
    const first = await editImage(model, params(image), { cache });
    assert.equal(first.transformerCalls, 2 * STEPS);
    assert.equal(first.inversionCached, false);
    assert.equal(cache.entries.size, 1);
    const vaeEncodes = model.calls.vaeEncode;

    for (const over of [{ strength: 0.8 }, { prompt: "a castle at night" }, { seed: 123 }, { eta: 0.7 }]) {
      const rerun = await editImage(model, params(image, over), { cache });
      assert.equal(rerun.transformerCalls, STEPS, JSON.stringify(over));
      assert.equal(rerun.inversionCached, true);
    }
    assert.equal(model.calls.vaeEncode, vaeEncodes, "a cache hit skips the VAE encoder");

    const cachedSame = await editImage(model, params(image), { cache });
    assert.ok(cachedSame.png.equals(first.png), "a cache hit gives the same result as inverting");

    const otherGamma = await editImage(model, params(image, { gamma: 0.7 }), { cache });
    assert.equal(otherGamma.transformerCalls, 2 * STEPS);
    assert.equal(cache.entries.size, 2);
  });

  it("inverts again when the cache fails, instead of failing the edit", async () => {
    const broken: InversionCache = {
      get: async () => {
        throw new Error("redis down");
      },
      set: async () => {
        throw new Error("redis down");
      },
    };
    const result = await editImage(new AnalyticFluxModel(), params(await gradient(32, 32)), {
      cache: broken,
    });
    assert.equal(result.transformerCalls, 2 * STEPS);
  });

  it("reports progress through every phase in order", async () => {
    const updates: ProgressUpdate[] = [];
    await editImage(new AnalyticFluxModel(), params(await gradient(32, 32)), {
      onProgress: (u) => updates.push(u),
    });
    const phases = [...new Set(updates.map((u) => u.phase))];
    assert.deepEqual(phases, ["preparing", "inverting", "editing", "finishing"]);
    const editing = updates.filter((u) => u.phase === "editing").map((u) => u.step);
    assert.deepEqual(editing, [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(updates.every((u) => u.step <= u.total));
  });

  it("stops between steps when aborted, rejecting with an AbortError", async () => {
    const model = new AnalyticFluxModel();
    const controller = new AbortController();
    await assert.rejects(
      editImage(model, params(await gradient(32, 32)), {
        signal: controller.signal,
        onProgress: (u) => {
          if (u.phase === "editing" && u.step === 2) controller.abort();
        },
      }),
      (err: unknown) => err instanceof Error && err.name === "AbortError",
    );
    assert.equal(model.calls.transformer, STEPS + 2);
    assert.equal(model.calls.vaeDecode, 0);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const model = new AnalyticFluxModel();
    await assert.rejects(
      editImage(model, params(await gradient(32, 32)), { signal: AbortSignal.abort() }),
      (err: unknown) => err instanceof Error && err.name === "AbortError",
    );
    assert.equal(model.calls.encodePrompt, 0);
  });

  it("edits a 1x1 image and returns a 1x1 PNG", async () => {
    const dot = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#3080c0" } })
      .png()
      .toBuffer();
    const result = await editImage(new AnalyticFluxModel(), params(dot));
    const meta = await sharp(result.png).metadata();
    assert.deepEqual([meta.width, meta.height], [1, 1]);
  });

  it("passes image errors through with their user message", async () => {
    await assert.rejects(
      editImage(new AnalyticFluxModel(), params(Buffer.from("definitely not an image"))),
      NotAnImageError,
    );
  });

  it("validates its parameters with RangeErrors", async () => {
    const model = new AnalyticFluxModel();
    const image = await gradient(32, 32);
    const bad: Partial<EditImageParams>[] = [
      { strength: 1.5 },
      { strength: Number.NaN },
      { steps: 0 },
      { steps: 2.5 },
      { gamma: -0.1 },
      { eta: 2 },
      { sampler: "euler" as "ode" },
      { guidance: -1 },
      { seed: 0.5 },
      { inversionSeed: Number.POSITIVE_INFINITY },
      { targetMegapixels: 0 },
      { image: new Uint8Array(0) },
    ];
    for (const over of bad) {
      await assert.rejects(editImage(model, params(image, over)), RangeError, JSON.stringify(over));
    }
    assert.equal(model.calls.transformer, 0);
  });
});
