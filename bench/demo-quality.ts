/**
 * What a new user sees from the demo model: `npx tsx bench/demo-quality.ts [--model DIR] [--photos DIR]`.
 * Edits the shipped photographs (bench/photos, see SOURCES.md there) with exactly the settings
 * `npm run edit` uses when only --image, --prompt and --strength are given (its own argument parser)
 * and prints, per photo:
 *   - the VAE round trip's PSNR (encode, decode, nothing else),
 *   - the edit's PSNR against the input at strength 0, 0.5 and 1 ("make it winter"),
 *   - how far apart "make it winter" and "a golden sunset" are in colour at strength 1.
 * Targets (issue 14): round trip >= 22 dB; strength 0 >= 20 dB; PSNR falls 0 > 0.5 > 1; the two prompts
 * at least 10 levels apart in mean blue-minus-red.
 */

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { loadConfig } from "../config/index.js";
import { parseEditArgs } from "../gpu-worker/src/cli/edit-args.js";
import { editImage } from "../gpu-worker/src/flux/edit-image.js";
import { loadFluxModel } from "../gpu-worker/src/flux/load-flux-model.js";
import type { EditImageParams, FluxModel } from "../gpu-worker/src/flux/types.js";
import { fitSize } from "../src/images/fit-size.js";
import { normaliseImage } from "../src/images/normalise-image.js";
import { planarToRgb, rgbToPlanar } from "../src/images/planar.js";
import { resizeRgb } from "../src/images/rgb-image.js";
import { createLogger } from "../src/logger.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    model: { type: "string" },
    photos: { type: "string", default: path.join(here, "photos") },
  },
});

const config = loadConfig();

/** PSNR of two equally sized 8-bit RGB buffers, in dB. */
function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} with ${b.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}

/** Mean blue minus mean red, in 8-bit levels: positive reads cold, negative warm. */
function coolness(rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += rgb[i + 2] - rgb[i];
  return sum / (rgb.length / 3);
}

/** The output's pixels at the input's size (the working size can trim a few pixels off an edge). */
async function rgbAt(png: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(png).removeAlpha().resize(width, height, { fit: "fill" }).raw().toBuffer();
}

/** Encode and decode at the working size, then back to the input's size: the VAE's own loss. */
async function roundTrip(model: FluxModel, image: Buffer): Promise<number> {
  const input = await normaliseImage(image);
  const working = fitSize(input.width, input.height, { targetMegapixels: config.limits.targetMegapixels });
  const pixels = rgbToPlanar(await resizeRgb(input, working.width, working.height));
  const latent = await model.vaeEncode(pixels, working.width, working.height);
  const decoded = await model.vaeDecode(latent, working.width, working.height);
  const back = await resizeRgb(
    planarToRgb(decoded, working.width, working.height),
    input.width,
    input.height,
  );
  return psnr(back.data, input.data);
}

async function main(): Promise<void> {
  const model = await loadFluxModel({
    dir: values.model,
    executionProvider: config.model.executionProvider,
    logger: createLogger({ level: "warn" }),
  });
  const files = (await readdir(values.photos)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const shown = parseEditArgs(["--image", "x", "--prompt", "x", "--out", "x"], config);
  process.stdout.write(
    `model: ${model.info.id}${model.info.isDemo ? " (demo)" : ""}; npm run edit's defaults: ` +
      `${shown?.steps} steps (inversion ${shown?.inversionSteps}), ${shown?.sampler}, ${shown?.solver}, ` +
      `gamma ${shown?.gamma}, eta ${shown?.eta}, guidance ${shown?.guidance}, ${shown?.targetMegapixels} MP\n\n`,
  );
  process.stdout.write(
    "| photo | VAE round trip | winter s=0 | s=0.5 | s=1 | blue-red: winter / sunset (s=1) | targets |\n" +
      "|---|---|---|---|---|---|---|\n",
  );
  let allMet = true;
  for (const file of files) {
    const image = await readFile(path.join(values.photos, file));
    const { data: input, width, height } = await normaliseImage(image);
    const run = async (prompt: string, strength: number) => {
      // Exactly what `npm run edit -- --image F --prompt P --strength S` would run.
      const a = parseEditArgs(
        ["--image", file, "--prompt", prompt, "--strength", String(strength), "--out", "out.png"],
        config,
      );
      if (!a) throw new Error("parseEditArgs returned no arguments");
      const params: EditImageParams = {
        image,
        prompt: a.prompt,
        strength: a.strength,
        seed: a.seed,
        steps: a.steps,
        inversionSteps: a.inversionSteps,
        gamma: a.gamma,
        eta: a.eta,
        sampler: a.sampler,
        solver: a.solver,
        guidance: a.guidance,
        inversionSeed: a.inversionSeed,
        targetMegapixels: a.targetMegapixels,
      };
      return rgbAt((await editImage(model, params)).png, width, height);
    };
    const vae = await roundTrip(model, image);
    const [p0, p5, p1] = [
      psnr(await run("make it winter", 0), input),
      psnr(await run("make it winter", 0.5), input),
      psnr(await run("make it winter", 1), input),
    ];
    const winter = coolness(await run("make it winter", 1));
    const sunset = coolness(await run("a golden sunset", 1));
    const met = vae >= 22 && p0 >= 20 && p0 > p5 && p5 > p1 && winter - sunset >= 10;
    allMet &&= met;
    process.stdout.write(
      `| ${file} | ${vae.toFixed(1)} dB | ${p0.toFixed(1)} dB | ${p5.toFixed(1)} dB | ${p1.toFixed(1)} dB | ` +
        `${winter.toFixed(0)} / ${sunset.toFixed(0)} | ${met ? "met" : "MISSED"} |\n`,
    );
  }
  await model.close();
  if (!allMet) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
