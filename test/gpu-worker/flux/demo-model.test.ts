import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { editSteps, parseConfig } from "../../../config/index.js";
import { editImage } from "../../../gpu-worker/src/flux/edit-image.js";
import { latentImageIds } from "../../../gpu-worker/src/flux/latent-ids.js";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import { packLatents } from "../../../gpu-worker/src/flux/packing.js";
import type { EditImageParams, FluxModel, PromptEmbedding } from "../../../gpu-worker/src/flux/types.js";
import { edit, fluxSigmas, gaussianNoise, imageSeqLen, invert } from "../../../gpu-worker/src/rf/index.js";
import {
  type ChannelPrior,
  MOOD_WORDS,
  promptPrior,
} from "../../../gpu-worker/tools/tiny-model/demo-words.js";
import { gaussianFlowVelocity } from "../../../gpu-worker/tools/tiny-model/gaussian-velocity.js";
import { LATENT_PER_COEFFICIENT, vaeBasis } from "../../../gpu-worker/tools/tiny-model/vae-basis.js";
import { fitSize } from "../../../src/images/fit-size.js";
import { normaliseImage } from "../../../src/images/normalise-image.js";
import { rgbToPlanar } from "../../../src/images/planar.js";
import { resizeRgb } from "../../../src/images/rgb-image.js";
import { quietLogger, removeDir, tinyModelDir } from "./tiny-fixtures.js";

const PHOTOS = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bench", "photos");
/** Small enough for CI, large enough that photographs stay photographs (0.25 Flux megapixels). */
const MEGAPIXELS = 0.25;

function moodIndex(piece: string): number {
  const k = MOOD_WORDS.findIndex((w) => w.pieces.includes(piece));
  assert.ok(k >= 0, piece);
  return k;
}

/** The prior a prompt should select, worked out from the word table by hand, not by the model. */
function priorOf(...pieces: string[]): ChannelPrior {
  const counts = new Array<number>(MOOD_WORDS.length).fill(0);
  for (const p of pieces) counts[moodIndex(p)] += 1;
  return promptPrior(counts);
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}

function meanRgb(rgb: Uint8Array): number[] {
  const out = [0, 0, 0];
  for (let i = 0; i < rgb.length; i++) out[i % 3] += rgb[i];
  return out.map((v) => v / (rgb.length / 3));
}

/**
 * One Euler step of the ODE on a linear velocity v = a (x - (1 - s) m) - m is affine in x, so a whole
 * schedule is x -> A x + B per coordinate: what RF-Inversion's ODE sampler must give with gamma = eta = 0.
 */
function eulerAffine(sigmas: ArrayLike<number>, order: number[], m: number, q: number): [number, number] {
  let A = 1;
  let B = 0;
  for (const i of order) {
    const [s, next] = [sigmas[i], sigmas[i + (order[0] < order[1] ? 1 : -1)]];
    const a = (s - (1 - s) * q * q) / ((1 - s) ** 2 * q * q + s * s);
    const d = next - s;
    // x' = x + d (a (x - (1 - s) m) - m) = (1 + d a) x - d (a (1 - s) m + m)
    A *= 1 + d * a;
    B = (1 + d * a) * B - d * (a * (1 - s) * m + m);
  }
  return [A, B];
}

describe("the demo model is an exact Gaussian flow, end to end through the ONNX sessions", () => {
  let dir: string;
  let model: FluxModel;
  before(async () => {
    dir = await tinyModelDir();
    model = await loadFluxModel({ dir, executionProvider: "cpu", logger: quietLogger });
  });
  after(async () => {
    await model?.close();
    await removeDir(dir);
  });

  const side = 6;
  const L = side * side;
  const imgIds = latentImageIds(side * 16, side * 16);
  const x = Float32Array.from({ length: L * 64 }, (_, i) => 300 * Math.sin(i * 0.61) + 40 * Math.cos(i));
  const velocity = async (text: PromptEmbedding, sigma: number) =>
    model.transformer({ hiddenStates: x, sigma, text, guidance: 3.5, imgIds, seqLen: L });

  it("the transformer's output is the closed-form velocity of the prompt's prior, at every sigma", async () => {
    const cases: Array<[string, ChannelPrior]> = [
      ["", promptPrior([])],
      ["make it winter", priorOf("winter")],
      ["a golden sunset", priorOf("golden", "sunset")],
      ["Black and white, at night", priorOf("black", "white", "night")],
    ];
    for (const [prompt, prior] of cases) {
      const text = await model.encodePrompt(prompt);
      for (const sigma of [1, 0.93, 0.5, 0.07, 0]) {
        const got = await velocity(text, sigma);
        const want = gaussianFlowVelocity(x, sigma, prior);
        assert.ok(maxRelDiff(got, want) < 1e-4, `"${prompt}" at sigma ${sigma}: ${maxRelDiff(got, want)}`);
      }
    }
  });

  it("unknown words change nothing; known words change the velocity", async () => {
    const empty = await velocity(await model.encodePrompt(""), 0.6);
    for (const prompt of ["a cat wearing a hat", "photo of the dog, 4k, trending", "xyzzy"]) {
      assert.deepEqual(await velocity(await model.encodePrompt(prompt), 0.6), empty, prompt);
    }
    const winter = await velocity(await model.encodePrompt("a cat in winter"), 0.6);
    assert.ok(maxRelDiff(winter, empty) > 0.01);
    assert.deepEqual(await velocity(await model.encodePrompt("a dog in winter"), 0.6), winter);
  });

  it("the VAE is the orthonormal patch basis: latent = 100 x coefficient, and encode(decode(z)) = z", async () => {
    const width = 32;
    const height = 16;
    const pixels = Float32Array.from({ length: 3 * width * height }, (_, i) => Math.sin(i * 0.13) * 0.7);
    const z = await model.vaeEncode(pixels, width, height);
    // Channel 0 of the top-left patch: the projection on basis pattern 0, by hand.
    const basis = vaeBasis();
    let coefficient = 0;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 8; y++)
        for (let xx = 0; xx < 8; xx++)
          coefficient += basis[(c * 8 + y) * 8 + xx] * pixels[(c * height + y) * width + xx];
    assert.ok(Math.abs(z[0] - LATENT_PER_COEFFICIENT * coefficient) < 1e-2, `${z[0]} vs ${coefficient}`);
    const again = await model.vaeEncode(await model.vaeDecode(z, width, height), width, height);
    assert.ok(maxRelDiff(again, z) < 1e-4);
  });

  it("a real photograph survives the VAE round trip at 22 dB or better", async () => {
    for (const file of ["dune.jpg", "ladybird.jpg", "storm.jpg"]) {
      const input = await normaliseImage(await readFile(path.join(PHOTOS, file)));
      const { width, height } = fitSize(input.width, input.height, { targetMegapixels: MEGAPIXELS });
      const small = await resizeRgb(input, width, height);
      const back = await model.vaeDecode(
        await model.vaeEncode(rgbToPlanar(small), width, height),
        width,
        height,
      );
      let sum = 0;
      const px = rgbToPlanar(small);
      for (let i = 0; i < px.length; i++) sum += (Math.max(-1, Math.min(1, back[i])) - px[i]) ** 2;
      const db = 10 * Math.log10(4 / (sum / px.length));
      assert.ok(db >= 22, `${file}: ${db.toFixed(1)} dB`);
    }
  });

  it("inversion then editing (ODE, no control) is the closed-form affine map of the two priors", async () => {
    const input = await normaliseImage(await readFile(path.join(PHOTOS, "dune.jpg")));
    const width = 128;
    const height = 80;
    const pixels = rgbToPlanar(await resizeRgb(input, width, height));
    const y0 = packLatents(await model.vaeEncode(pixels, width, height), height / 8, width / 8);
    const seqLen = imageSeqLen(width, height);
    const ids = latentImageIds(width, height);
    const empty = await model.encodePrompt("");
    const target = await model.encodePrompt("make it winter");
    const v = (text: PromptEmbedding) => (xs: Float32Array, sigma: number) =>
      model.transformer({ hiddenStates: xs, sigma, text, guidance: 3.5, imgIds: ids, seqLen });
    // Flux's 12-step schedule: the exact Euler composition. A schedule dense near sigma 1 (where the
    // demo flow turns within 1 - s ~ 1 / q): Euler close to the exact flow map.
    const fine = (n: number) =>
      Float64Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : 1 - 10 ** (-6 + (6 * i) / n)));
    for (const [steps, sigmas] of [
      [12, fluxSigmas(12, seqLen)],
      [400, fine(400)],
    ] as const) {
      const noise = gaussianNoise(y0.length, 1);
      const y1 = await invert(y0, v(empty), { sigmas, gamma: 0, noise });
      const out = await edit(y1, y0, v(target), { sigmas, etas: new Float64Array(steps), sampler: "ode" });
      const from = promptPrior([]);
      const to = priorOf("winter");
      const up = Array.from({ length: steps }, (_, k) => steps - k); // inversion walks s_N .. s_1
      const down = Array.from({ length: steps }, (_, i) => i);
      let worst = 0;
      let worstFlow = 0;
      for (let i = 0; i < y0.length; i++) {
        const c = Math.floor((i % 64) / 4);
        const [m0, q0] = [from.mean[c] * LATENT_PER_COEFFICIENT, from.spread[c] * LATENT_PER_COEFFICIENT];
        const [m1, q1] = [to.mean[c] * LATENT_PER_COEFFICIENT, to.spread[c] * LATENT_PER_COEFFICIENT];
        const [A0, B0] = eulerAffine(sigmas, up, m0, q0);
        const [A1, B1] = eulerAffine(sigmas, down, m1, q1);
        const want = A1 * (A0 * y0[i] + B0) + B1;
        worst = Math.max(worst, Math.abs(out[i] - want) / (1 + Math.abs(want)));
        // The exact flow's map: standardise under the empty prompt's prior, destandardise under the target's.
        const flow = m1 + (q1 / q0) * (y0[i] - m0);
        worstFlow = Math.max(worstFlow, Math.abs(out[i] - flow) / (Math.abs(flow) + LATENT_PER_COEFFICIENT));
      }
      assert.ok(worst < 1e-3, `${steps} steps: off the Euler closed form by ${worst}`);
      // Euler converges to the exact flow map as the steps grow.
      if (steps === 400) assert.ok(worstFlow < 0.01, `400 steps: off the exact flow by ${worstFlow}`);
    }
  });

  describe("on real photographs at the product defaults", () => {
    // The settings' defaults (SDE, midpoint inversion, gamma 0.5, eta 0.9), smaller pictures.
    const d = parseConfig({}).defaults;
    const params = (image: Buffer, over: Partial<EditImageParams>): EditImageParams => ({
      image,
      prompt: "make it winter",
      strength: d.strength,
      seed: 0,
      ...editSteps(d, { sampler: d.sampler, solver: d.solver }),
      gamma: d.gamma,
      eta: d.eta,
      sampler: d.sampler,
      solver: d.solver,
      guidance: d.guidance,
      inversionSeed: d.inversionSeed,
      targetMegapixels: MEGAPIXELS,
      ...over,
    });
    const rgb = async (png: Uint8Array, width: number, height: number) =>
      sharp(png).removeAlpha().resize(width, height, { fit: "fill" }).raw().toBuffer();

    for (const file of ["dune.jpg", "ladybird.jpg", "storm.jpg"]) {
      it(`${file}: strength 0 keeps the photo (>= 20 dB) and PSNR falls with strength`, async () => {
        const image = await readFile(path.join(PHOTOS, file));
        const { data: reference, width, height } = await normaliseImage(image);
        const at = async (strength: number) =>
          psnr(
            await rgb((await editImage(model, params(image, { strength }))).png, width, height),
            reference,
          );
        const [p0, p5, p1] = [await at(0), await at(0.5), await at(1)];
        const table = `${p0.toFixed(1)} / ${p5.toFixed(1)} / ${p1.toFixed(1)} dB`;
        assert.ok(p0 >= 20, table);
        assert.ok(p0 > p5 && p5 > p1, table);
      });
    }

    it("strength 1 draws from the prompt's prior: the mean colour is the word's, in closed form", async () => {
      const image = await readFile(path.join(PHOTOS, "dune.jpg"));
      for (const [prompt, piece] of [
        ["make it winter", "winter"],
        ["a sunset", "sunset"],
      ] as const) {
        const { png } = await editImage(model, params(image, { prompt, strength: 1 }));
        const got = meanRgb(await sharp(png).removeAlpha().raw().toBuffer());
        const want = MOOD_WORDS[moodIndex(piece)].rgb;
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c] - want[c]) < 8, `${prompt}: ${got} vs ${want}`);
      }
    });

    it("winter and a golden sunset give clearly different colours", async () => {
      const image = await readFile(path.join(PHOTOS, "ladybird.jpg"));
      const colour = async (prompt: string, strength: number) =>
        meanRgb(
          await sharp((await editImage(model, params(image, { prompt, strength }))).png)
            .raw()
            .toBuffer(),
        );
      for (const strength of [0.5, 1]) {
        const [wr, , wb] = await colour("make it winter", strength);
        const [sr, , sb] = await colour("a golden sunset", strength);
        assert.ok(wb - wr > sb - sr + 40, `strength ${strength}: winter b-r ${wb - wr}, sunset ${sb - sr}`);
      }
    });

    it("is deterministic: same inputs give the same bytes, another seed another edit", async () => {
      const image = await readFile(path.join(PHOTOS, "storm.jpg"));
      const a = (await editImage(model, params(image, {}))).png;
      assert.ok((await editImage(model, params(image, {}))).png.equals(a));
      assert.ok(!(await editImage(model, params(image, { seed: 1 }))).png.equals(a));
    });
  });
});
