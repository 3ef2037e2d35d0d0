import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp, { type SharpOptions } from "sharp";
import { editImage } from "../../../gpu-worker/src/flux/edit-image.js";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import type {
  EditImageParams,
  FluxModel,
  InversionCache,
  InversionEntry,
  ProgressUpdate,
} from "../../../gpu-worker/src/flux/types.js";
import { CorruptImageError, ImageError, NotAnImageError } from "../../../src/images/index.js";
import { createLogger } from "../../../src/logger.js";
import { captureLogger } from "../../support/log-capture.js";
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
    solver: "euler",
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

  it("inverts with its own step count and solver, each part of the cache key; the SDE edit stays Euler", async () => {
    const model = new AnalyticFluxModel();
    const cache = new MemoryCache();
    const image = await gradient(64, 64);
    const updates: ProgressUpdate[] = [];
    // SDE sampler, midpoint inversion of 3 steps (4 calls), then STEPS Euler-Maruyama steps.
    const sde = await editImage(model, params(image, { solver: "midpoint", inversionSteps: 3 }), {
      cache,
      onProgress: (u) => updates.push(u),
    });
    assert.equal(sde.transformerCalls, 4 + STEPS);
    const inverting = updates.filter((u) => u.phase === "inverting");
    assert.deepEqual(
      inverting.map((u) => `${u.step}/${u.total}`),
      ["0/3", "1/3", "2/3", "3/3"],
    );
    // The ODE sampler on the midpoint solver reuses that inversion: STEPS + 1 calls.
    const ode = await editImage(
      model,
      params(image, { sampler: "ode", solver: "midpoint", inversionSteps: 3 }),
      {
        cache,
      },
    );
    assert.equal(ode.inversionCached, true);
    assert.equal(ode.transformerCalls, STEPS + 1);
    // Another solver or another inversion step count is another inversion.
    const euler = await editImage(model, params(image, { solver: "euler", inversionSteps: 3 }), { cache });
    assert.equal(euler.inversionCached, false);
    assert.equal(euler.transformerCalls, 3 + STEPS);
    const longer = await editImage(model, params(image, { solver: "midpoint", inversionSteps: 5 }), {
      cache,
    });
    assert.equal(longer.inversionCached, false);
    assert.equal(longer.transformerCalls, 6 + STEPS);
    assert.equal(cache.entries.size, 3);
    // The edit's own step count is not part of the key.
    const moreSteps = await editImage(
      model,
      params(image, { solver: "midpoint", inversionSteps: 3, steps: 9 }),
      {
        cache,
      },
    );
    assert.equal(moreSteps.inversionCached, true);
    assert.equal(moreSteps.transformerCalls, 9);
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
    const { logger, lines } = captureLogger("warn");
    const result = await editImage(new AnalyticFluxModel(), params(await gradient(32, 32)), {
      cache: broken,
      logger,
    });
    assert.equal(result.transformerCalls, 2 * STEPS);
    // Both failures are told to the caller's logger (not printed by a module of its own).
    assert.deepEqual(
      lines.map((l) => l.msg),
      [
        "inversion cache read failed; inverting again",
        "inversion cache write failed; the next re-run will invert again",
      ],
    );
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
      { solver: "rk4" as "euler" },
      { inversionSteps: 0 },
      { inversionSteps: 1.5 },
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

describe("editImage with the tiny ONNX model", () => {
  let model: FluxModel;
  let dir: string;

  /** Writes the bytes to a real file and reads them back, as an upload would arrive. */
  const asFile = async (name: string, bytes: Buffer) => {
    await writeFile(join(dir, name), bytes);
    return readFile(join(dir, name));
  };

  before(async () => {
    model = await loadFluxModel({ executionProvider: "cpu", logger: createLogger({ level: "silent" }) });
    dir = await mkdtemp(join(tmpdir(), "rf-edit-recipe-"));
  });
  after(async () => {
    await model.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips the VAE with the right shapes and ranges", async () => {
    const width = 48;
    const height = 64;
    const pixels = new Float32Array(3 * width * height).map((_, i) => Math.sin(i / 50));
    const latent = await model.vaeEncode(pixels, width, height);
    assert.equal(latent.length, 16 * (height / 8) * (width / 8));
    assert.ok(latent.every(Number.isFinite));
    const decoded = await model.vaeDecode(latent, width, height);
    assert.equal(decoded.length, 3 * width * height);
    assert.ok(decoded.every((v) => Number.isFinite(v) && v >= -1.5 && v <= 1.5));
  });

  it("gives byte-identical PNGs for the same inputs, and strength, prompt and seed each change it", async () => {
    const image = await asFile("in.png", await gradient(80, 48));
    const run = async (over: Partial<EditImageParams> = {}) =>
      (await editImage(model, params(image, over))).png;
    const base = await run();
    assert.ok((await run()).equals(base), "same inputs, same bytes");
    const meta = await sharp(base).metadata();
    assert.deepEqual([meta.width, meta.height], [80, 48]);
    assert.ok(!(await run({ strength: 0.9 })).equals(base), "strength");
    assert.ok(!(await run({ prompt: "a red barn in a field" })).equals(base), "prompt");
    assert.ok(!(await run({ seed: 8 })).equals(base), "seed");
  });

  it("reuses the cached inversion: N transformer calls instead of 2N", async () => {
    const cache = new MemoryCache();
    const image = await gradient(64, 64);
    const first = await editImage(model, params(image), { cache });
    assert.equal(first.transformerCalls, 2 * STEPS);
    for (const over of [{ strength: 0.2 }, { prompt: "a stormy sea" }, { seed: 3 }]) {
      const rerun = await editImage(model, params(image, over), { cache });
      assert.equal(rerun.transformerCalls, STEPS);
      assert.ok(rerun.inversionCached);
    }
    const same = await editImage(model, params(image), { cache });
    assert.ok(same.png.equals(first.png));
  });

  it("handles awkward uploads: 1x1, 16-bit PNG, CMYK JPEG, animated GIF give PNGs at their size", async () => {
    const frames = Buffer.alloc(24 * 32 * 4, 255);
    for (let p = 0; p < 24 * 16; p++) frames.set([200, 30, 30, 255], p * 4);
    const uploads: [string, Buffer, number, number][] = [
      [
        "dot.png",
        await sharp({ create: { width: 1, height: 1, channels: 3, background: "#3366cc" } })
          .png()
          .toBuffer(),
        1,
        1,
      ],
      [
        "deep.png",
        await sharp(await gradient(40, 24))
          .toColourspace("rgb16")
          .png()
          .toBuffer(),
        40,
        24,
      ],
      [
        "cmyk.jpg",
        await sharp(await gradient(40, 24))
          .toColourspace("cmyk")
          .jpeg()
          .toBuffer(),
        40,
        24,
      ],
      [
        "anim.gif",
        await sharp(frames, { raw: { width: 24, height: 32, channels: 4, pageHeight: 16 } } as SharpOptions)
          .gif({ loop: 0, delay: [80, 80] })
          .toBuffer(),
        24,
        16,
      ],
    ];
    for (const [name, bytes, width, height] of uploads) {
      const result = await editImage(model, params(await asFile(name, bytes), { steps: 2 }));
      const meta = await sharp(result.png).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ["png", width, height], name);
    }
  });

  it("answers a non-image and a truncated JPEG with image errors, and never calls the model", async () => {
    const noisy = Buffer.alloc(128 * 128 * 3).map((_, i) => (i * 2654435761) >>> 24);
    const jpeg = await sharp(noisy, { raw: { width: 128, height: 128, channels: 3 } })
      .jpeg()
      .toBuffer();
    const cut = await asFile("cut.jpg", jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    const text = await asFile("notes.txt", Buffer.from("not an image\n"));
    const counted = { calls: 0 };
    const watched: FluxModel = {
      info: model.info,
      encodePrompt: (p) => {
        counted.calls++;
        return model.encodePrompt(p);
      },
      vaeEncode: (...a) => model.vaeEncode(...a),
      vaeDecode: (...a) => model.vaeDecode(...a),
      transformer: (i) => model.transformer(i),
      close: async () => {},
    };
    await assert.rejects(editImage(watched, params(cut)), CorruptImageError);
    await assert.rejects(editImage(watched, params(text)), (err: unknown) => {
      assert.ok(err instanceof ImageError);
      assert.match(err.userMessage, /not an image/);
      return true;
    });
    assert.equal(counted.calls, 0);
  });
});
