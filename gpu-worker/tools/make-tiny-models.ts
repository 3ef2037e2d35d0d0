import path from "node:path";
import { parseArgs } from "node:util";
import { EXPORTER_DATA_FILE, OPTIMIZER_DATA_FILE } from "../src/flux/external-data.js";
import { writeTinyModel } from "./tiny-model/write-tiny-model.js";

/**
 * `npm run models:tiny -- [--out DIR] [--fp16] [--external-data] [--data-name model.onnx_data|model.onnx.data]
 * [--variant dev|schnell] [--clip-ids int64|int32]`
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      fp16: { type: "boolean", default: false },
      "external-data": { type: "boolean", default: false },
      "data-name": { type: "string", default: EXPORTER_DATA_FILE },
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
  const dataName = values["data-name"];
  if (dataName !== EXPORTER_DATA_FILE && dataName !== OPTIMIZER_DATA_FILE)
    throw new Error(`--data-name must be ${EXPORTER_DATA_FILE} or ${OPTIMIZER_DATA_FILE}, not "${dataName}"`);
  const out = path.resolve(values.out ?? path.join("models", "tiny"));
  const written = await writeTinyModel(out, {
    variant,
    precision: values.fp16 ? "fp16" : "fp32",
    externalData: values["external-data"],
    externalDataName: dataName,
    clipInputIdsType: clipIds,
  });
  process.stdout.write(
    `Wrote a tiny ${written.variant} model (${written.precision}${written.externalData ? `, external weights in ${written.externalDataName}` : ""}) to ${out}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
