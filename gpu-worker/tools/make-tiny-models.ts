import path from "node:path";
import { parseArgs } from "node:util";
import { writeTinyModel } from "./tiny-model/write-tiny-model.js";

/** `npm run models:tiny -- [--out DIR] [--fp16] [--external-data] [--variant dev|schnell]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      fp16: { type: "boolean", default: false },
      "external-data": { type: "boolean", default: false },
      variant: { type: "string", default: "dev" },
      "clip-ids": { type: "string", default: "int64" },
    },
  });
  const variant = values.variant;
  if (variant !== "dev" && variant !== "schnell")
    throw new Error(`--variant must be dev or schnell, not "${variant}"`);
  const clipIds = values["clip-ids"];
  if (clipIds !== "int64" && clipIds !== "int32")
    throw new Error(`--clip-ids must be int64 or int32, not "${clipIds}"`);
  const out = path.resolve(values.out ?? path.join("models", "tiny"));
  const written = await writeTinyModel(out, {
    variant,
    precision: values.fp16 ? "fp16" : "fp32",
    externalData: values["external-data"],
    clipInputIdsType: clipIds,
  });
  process.stdout.write(
    `Wrote a tiny ${written.variant} model (${written.precision}${written.externalData ? ", external weights" : ""}) to ${out}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
