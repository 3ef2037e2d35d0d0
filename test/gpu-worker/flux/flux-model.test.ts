import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import ort from "onnxruntime-node";
import { ExecutionProviderError } from "../../../gpu-worker/src/flux/errors/execution-provider-error.js";
import { ModelLoadError } from "../../../gpu-worker/src/flux/errors/model-load-error.js";
import { PromptTooLongError } from "../../../gpu-worker/src/flux/errors/prompt-too-long-error.js";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import { cudaProviderStatus } from "../../../gpu-worker/src/flux/onnx/cuda-provider.js";
import { requestedProviders } from "../../../gpu-worker/src/flux/placement.js";
import type { FluxModel, TransformerInput } from "../../../gpu-worker/src/flux/types.js";
import { createLogger } from "../../../src/logger.js";
import { quietLogger, removeDir, renameModelInput, tinyModelDir } from "./tiny-fixtures.js";

const SIDE = 8; // latent tokens per side: a 128x128 image
const L = SIDE * SIDE;

function imgIds(side: number): Float32Array {
  const ids = new Float32Array(side * side * 3);
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) ids.set([0, r, c], (r * side + c) * 3);
  return ids;
}

function latent(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.8);
}

/** A smooth test picture in [-1, 1], planar RGB. */
function picture(width: number, height: number): Float32Array {
  const px = new Float32Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      px[i] = Math.sin(x / 40);
      px[width * height + i] = Math.cos(y / 50) * 0.8;
      px[2 * width * height + i] = (x + y) / (width + height) - 0.5;
    }
  }
  return px;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function std(a: Float32Array): number {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
}

describe("Flux model on the tiny ONNX models", () => {
  const dirs: string[] = [];
  let devDir: string;
  let dev: FluxModel;
  let schnell: FluxModel;
  let half: FluxModel;

  before(async () => {
    devDir = await tinyModelDir();
    const schnellDir = await tinyModelDir({ variant: "schnell" });
    const halfDir = await tinyModelDir({ precision: "fp16", externalData: true, clipInputIdsType: "int32" });
    dirs.push(devDir, schnellDir, halfDir);
    [dev, schnell, half] = await Promise.all([
      loadFluxModel({ dir: devDir, executionProvider: "cpu", logger: quietLogger }),
      loadFluxModel({ dir: schnellDir, executionProvider: "cpu", logger: quietLogger }),
      loadFluxModel({ dir: halfDir, executionProvider: "cpu", logger: quietLogger }),
    ]);
  });
  after(async () => {
    await Promise.all([dev?.close(), schnell?.close(), half?.close()]);
    for (const d of dirs) await removeDir(d);
  });

  it("describes itself from the models, not from Flux's usual sizes", () => {
    assert.equal(dev.info.variant, "dev");
    assert.equal(dev.info.hasGuidance, true);
    assert.equal(dev.info.isDemo, true);
    assert.equal(dev.info.textDim, 32);
    assert.equal(dev.info.pooledDim, 16);
    assert.equal(dev.info.maxPromptTokens, 512);
    assert.equal(dev.info.executionProvider, "cpu");
    assert.match(dev.info.name, /tiny demo model/);
    assert.equal(schnell.info.variant, "schnell");
    assert.equal(schnell.info.hasGuidance, false);
  });

  it("encodes a prompt to pooled CLIP and the T5 sequence, once per prompt", async () => {
    const a = await dev.encodePrompt("a red cat");
    assert.equal(a.pooled.length, 16);
    assert.equal(a.sequence.length, 512 * 32);
    assert.equal(await dev.encodePrompt("a red cat"), a);
    const b = await dev.encodePrompt("a blue dog");
    assert.ok(maxAbsDiff(a.pooled, b.pooled) > 1e-3);
    assert.ok(maxAbsDiff(a.sequence, b.sequence) > 1e-3);
  });

  it("rejects a prompt longer than T5 holds with the limit in the message", async () => {
    await assert.rejects(dev.encodePrompt("snow ".repeat(600)), (err: unknown) => {
      assert.ok(err instanceof PromptTooLongError);
      assert.match(err.message, /at most 511 text tokens/);
      return true;
    });
  });

  it("calls the transformer exactly as the export expects (timestep = sigma, zero txt_ids, guidance)", async () => {
    const text = await dev.encodePrompt("a photo of a cat");
    const input: TransformerInput = {
      hiddenStates: latent(L * 64),
      sigma: 0.7,
      text,
      guidance: 3.5,
      imgIds: imgIds(SIDE),
      seqLen: L,
    };
    const viaModel = await dev.transformer(input);
    const session = await ort.InferenceSession.create(path.join(devDir, "transformer", "model.onnx"));
    // The demo graph declares the position ids int64, as diffusers' Flux export does.
    const ids = (values: Float32Array) => BigInt64Array.from(values, (v) => BigInt(v));
    const direct = (
      await session.run({
        hidden_states: new ort.Tensor("float32", input.hiddenStates, [1, L, 64]),
        encoder_hidden_states: new ort.Tensor("float32", text.sequence, [1, 512, 32]),
        pooled_projections: new ort.Tensor("float32", text.pooled, [1, 16]),
        timestep: new ort.Tensor("float32", [0.7], [1]),
        img_ids: new ort.Tensor("int64", ids(input.imgIds), [L, 3]),
        txt_ids: new ort.Tensor("int64", new BigInt64Array(512 * 3), [512, 3]),
        guidance: new ort.Tensor("float32", [3.5], [1]),
      })
    ).out_hidden_states.data as Float32Array;
    assert.ok(maxAbsDiff(viaModel, direct) < 1e-6);
    await session.release();
  });

  it("moves with the latent, sigma and the prompt's mood words, and with nothing else", async () => {
    const text = await dev.encodePrompt("a photo of a cat in winter");
    const base: TransformerInput = {
      hiddenStates: latent(L * 64),
      sigma: 0.7,
      text,
      guidance: 3.5,
      imgIds: imgIds(SIDE),
      seqLen: L,
    };
    const v0 = await dev.transformer(base);
    assert.ok(v0.every(Number.isFinite));
    const bump = (a: Float32Array, i: number, by: number) => {
      const c = new Float32Array(a);
      c[i] += by;
      return c;
    };
    // The demo flow is a function of the latent, sigma and the T5 mood features (the first ones).
    const moves: Record<string, TransformerInput> = {
      latent: { ...base, hiddenStates: bump(base.hiddenStates, 5, 0.5) },
      sigma: { ...base, sigma: 0.6 },
      "a mood feature": { ...base, text: { ...text, sequence: bump(text.sequence, 40 * 32 + 3, 1) } },
    };
    for (const [what, input] of Object.entries(moves)) {
      const v = await dev.transformer(input);
      assert.ok(maxAbsDiff(v0, v) > 1e-4, `changing ${what} left the output as it was`);
    }
    const stays: Record<string, TransformerInput> = {
      "another T5 feature": { ...base, text: { ...text, sequence: bump(text.sequence, 40 * 32 + 31, 1) } },
      pooled: { ...base, text: { ...text, pooled: bump(text.pooled, 3, 1) } },
      img_ids: { ...base, imgIds: bump(base.imgIds, 3 * 9 + 2, 1) },
      guidance: { ...base, guidance: 1.5 },
    };
    for (const [what, input] of Object.entries(stays)) {
      assert.deepEqual(await dev.transformer(input), v0, `changing ${what} moved the demo flow`);
    }
  });

  it("ignores guidance on schnell, which has no guidance input", async () => {
    const text = await schnell.encodePrompt("a red hat");
    const input: TransformerInput = {
      hiddenStates: latent(L * 64),
      sigma: 0.4,
      text,
      guidance: 3.5,
      imgIds: imgIds(SIDE),
      seqLen: L,
    };
    const a = await schnell.transformer(input);
    const b = await schnell.transformer({ ...input, guidance: 0 });
    assert.deepEqual(a, b);
  });

  it("round-trips a picture through the VAE, with the scaling and shift applied", async () => {
    const width = 128;
    const height = 96;
    const px = picture(width, height);
    const z = await dev.vaeEncode(px, width, height);
    assert.equal(z.length, 16 * (width / 8) * (height / 8));
    // Scaled latents are 100 per basis coefficient (docs/demo-model.md): a flat patch of brightness p
    // has the mean-brightness coefficient 8 * sqrt(3) * p. The raw encoder output is shifted and scaled.
    const flat = new Float32Array(3 * width * height).fill(0.5);
    const zFlat = await dev.vaeEncode(flat, width, height);
    assert.ok(Math.abs(zFlat[0] - 100 * 8 * Math.sqrt(3) * 0.5) < 0.05, `flat patch latent ${zFlat[0]}`);
    assert.ok(
      maxAbs(zFlat.subarray((width / 8) * (height / 8))) < 0.05,
      "a flat grey patch has no other channel",
    );
    assert.ok(std(z) > 10, `std of z is ${std(z)}`);
    const back = await dev.vaeDecode(z, width, height);
    assert.equal(back.length, px.length);
    assert.ok(maxAbsDiff(back, px) < 0.05);
  });

  it("fp16 models with external weights and int32 CLIP ids give results close to fp32", async () => {
    const [t32, t16] = await Promise.all([dev.encodePrompt("a red cat"), half.encodePrompt("a red cat")]);
    assert.ok(maxAbsDiff(t32.pooled, t16.pooled) < 0.01);
    assert.ok(maxAbsDiff(t32.sequence, t16.sequence) < 0.01);
    const input = {
      hiddenStates: latent(L * 64),
      sigma: 0.3,
      guidance: 3.5,
      imgIds: imgIds(SIDE),
      seqLen: L,
    };
    const v32 = await dev.transformer({ ...input, text: t32 });
    const v16 = await half.transformer({ ...input, text: t16 });
    assert.ok(maxAbsDiff(v32, v16) < 0.03 * maxAbs(v32));
    // The demo latents are large (100 per basis coefficient), so fp16's error is relative: 11 bits.
    const px = picture(64, 64);
    const z32 = await dev.vaeEncode(px, 64, 64);
    assert.ok(maxAbsDiff(z32, await half.vaeEncode(px, 64, 64)) < 2e-3 * maxAbs(z32));
  });

  it("keeps the event loop free while the transformer runs", async () => {
    // At 2048x2048 (16384 tokens) one call is long enough for a 1 ms timer; had the call blocked the
    // main thread, its result would settle before any timer could run.
    const side = 128;
    const text = await dev.encodePrompt("a photo of a cat");
    const events: string[] = [];
    const timer = setTimeout(() => events.push("timer"), 1);
    const call = dev
      .transformer({
        hiddenStates: latent(side * side * 64),
        sigma: 0.5,
        text,
        guidance: 3.5,
        imgIds: imgIds(side),
        seqLen: side * side,
      })
      .then(() => events.push("result"));
    await call;
    clearTimeout(timer);
    assert.deepEqual(events, ["timer", "result"]);
  });

  it("refuses calls after close", async () => {
    const m = await loadFluxModel({ dir: devDir, executionProvider: "cpu", logger: quietLogger });
    await m.close();
    await assert.rejects(m.encodePrompt("a cat"), /closed/);
  });
});

describe("execution provider choice", () => {
  const captured = () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const records = () =>
      lines
        .join("")
        .trim()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as { level: number; msg: string; executionProvider?: string });
    return { logger: createLogger({ level: "info" }, sink), records };
  };

  it("EXECUTION_PROVIDER=cuda is honoured or refused in words, never run on the CPU", async (t) => {
    const dir = await tinyModelDir();
    t.after(() => removeDir(dir));
    const status = cudaProviderStatus();
    const attempt = loadFluxModel({ dir, executionProvider: "cuda", logger: quietLogger });
    if (!status.installed) {
      await assert.rejects(attempt, (err: Error) => {
        assert.ok(err instanceof ExecutionProviderError);
        assert.ok(err instanceof ModelLoadError, "reported wherever a bad model folder is");
        assert.match(
          err.message,
          /^EXECUTION_PROVIDER=cuda, but transformer cannot run on CUDA: the CUDA provider of onnxruntime-node \d+\.\d+\.\d+ is not installed/,
        );
        assert.match(err.message, /npm run gpu:install-cuda/);
        assert.match(err.message, /EXECUTION_PROVIDER=auto/);
        return true;
      });
      return;
    }
    // A host with the provider: CUDA or a refusal that carries onnxruntime's reason.
    try {
      const model = await attempt;
      assert.equal(model.info.executionProvider, "cuda");
      await model.close();
    } catch (err) {
      assert.ok(err instanceof ExecutionProviderError);
    }
  });

  it("auto falls back to the CPU loudly: one warning with the reason, and the model says so", async (t) => {
    const dir = await tinyModelDir();
    t.after(() => removeDir(dir));
    const { logger, records } = captured();
    const model = await loadFluxModel({ dir, executionProvider: "auto", logger });
    try {
      const loaded = records().find((r) => /Flux model loaded/.test(r.msg));
      assert.ok(loaded, "the choice of provider is logged");
      assert.equal(loaded.executionProvider, model.info.executionProvider);
      if (model.info.executionProvider === "cpu") {
        const warnings = records().filter(
          (r) => r.level === 40 && /EXECUTION_PROVIDER=auto is running on the CPU/.test(r.msg),
        );
        assert.equal(warnings.length, 1);
        assert.match(model.info.providerFallback ?? "", /not installed|could not start/);
        assert.deepEqual(new Set(Object.values(model.info.providers ?? {})), new Set(["cpu"]));
      } else {
        assert.equal(model.info.providerFallback, null);
      }
    } finally {
      await model.close();
    }
  });

  it("TEXT_ENCODER_PROVIDER=cpu and VAE_PROVIDER=cpu place those parts on the CPU", async (t) => {
    assert.deepEqual(requestedProviders({ executionProvider: "cuda", textEncoders: "cpu" }), {
      transformer: "cuda",
      vae_encoder: "cuda",
      vae_decoder: "cuda",
      text_encoder: "cpu",
      text_encoder_2: "cpu",
    });
    assert.deepEqual(requestedProviders({ executionProvider: "auto", vae: "cpu" }), {
      transformer: "auto",
      vae_encoder: "cpu",
      vae_decoder: "cpu",
      text_encoder: "auto",
      text_encoder_2: "auto",
    });
    const dir = await tinyModelDir();
    t.after(() => removeDir(dir));
    const model = await loadFluxModel({
      dir,
      executionProvider: "auto",
      textEncoderProvider: "cpu",
      logger: quietLogger,
    });
    try {
      assert.equal(model.info.providers?.text_encoder, "cpu");
      assert.equal(model.info.providers?.text_encoder_2, "cpu");
      assert.equal(model.info.providers?.transformer, model.info.executionProvider);
    } finally {
      await model.close();
    }
  });
});

describe("loadFluxModel refuses broken folders in words", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });
  const load = (dir: string) => loadFluxModel({ dir, executionProvider: "cpu", logger: quietLogger });

  it("a malformed model file", async () => {
    const dir = await tinyModelDir();
    dirs.push(dir);
    const file = path.join(dir, "text_encoder_2", "model.onnx");
    await writeFile(file, "this is not an onnx model");
    await assert.rejects(load(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.equal(err.location, file);
      assert.match(err.message, /is not a valid ONNX model|cannot load the T5 text encoder/);
      return true;
    });
  });

  it("a wrong input name", async () => {
    const dir = await tinyModelDir();
    dirs.push(dir);
    const file = await renameModelInput(dir, "transformer", "timestep", "t");
    await assert.rejects(load(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.equal(err.location, file);
      assert.match(err.message, /has no input named "timestep"/);
      assert.match(err.message, /takes an input "t"/);
      return true;
    });
  });

  it("a missing external weights file", async () => {
    const dir = await tinyModelDir({ externalData: true });
    dirs.push(dir);
    const data = path.join(dir, "transformer", "model.onnx_data");
    await rm(data);
    await assert.rejects(load(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.equal(err.location, data);
      assert.match(err.message, /weights file is missing/);
      return true;
    });
  });

  it("a missing tokenizer file", async () => {
    const dir = await tinyModelDir();
    dirs.push(dir);
    await rm(path.join(dir, "tokenizer_2", "tokenizer.json"));
    await assert.rejects(load(dir), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.match(err.message, /T5 tokenizer's tokenizer\.json is missing/);
      return true;
    });
  });
});
