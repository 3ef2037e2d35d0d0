import { checkModelFolder } from "../flux/check-model-folder.js";
import { loadCliConfig } from "./load-cli-config.js";

/**
 * `npm run models:check -- DIR`: says what is wrong with a Flux ONNX folder, or what the worker will
 * use with it under the current settings (EXECUTION_PROVIDER, TEXT_ENCODER_PROVIDER, VAE_PROVIDER,
 * TARGET_MEGAPIXELS); exit code 1 if anything is wrong.
 */
async function main(): Promise<number> {
  const dir = process.argv.slice(2).find((a) => !a.startsWith("-"));
  if (!dir) {
    process.stderr.write("Usage: npm run models:check -- DIR   (a Flux ONNX export in Optimum's layout)\n");
    return 2;
  }
  const config = loadCliConfig();
  if (!config) return 2;
  const report = await checkModelFolder(dir, {
    executionProvider: config.model.executionProvider,
    textEncoders: config.model.textEncoderProvider,
    vae: config.model.vaeProvider,
    targetMegapixels: config.limits.targetMegapixels,
  });
  if (report.ok) {
    const list = (lines: string[]) => lines.map((l) => `  ${l}\n`).join("");
    process.stdout.write(
      `OK: ${report.dir}\n${list(report.facts)}The worker will use:\n${list(report.plan)}`,
    );
    return 0;
  }
  const n = report.problems.length;
  process.stdout.write(
    `${report.dir} has ${n} problem${n === 1 ? "" : "s"}:\n${report.problems.map((p) => `  - ${p}\n`).join("")}`,
  );
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`models:check failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
