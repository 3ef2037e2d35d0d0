import { checkModelFolder } from "../flux/check-model-folder.js";

/** `npm run models:check -- DIR`: says what is wrong with a Flux ONNX folder; exit code 1 if anything is. */
async function main(): Promise<number> {
  const dir = process.argv.slice(2).find((a) => !a.startsWith("-"));
  if (!dir) {
    process.stderr.write("Usage: npm run models:check -- DIR   (a Flux ONNX export in Optimum's layout)\n");
    return 2;
  }
  const report = await checkModelFolder(dir);
  if (report.ok) {
    process.stdout.write(`OK: ${report.dir}\n${report.facts.map((f) => `  ${f}\n`).join("")}`);
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
