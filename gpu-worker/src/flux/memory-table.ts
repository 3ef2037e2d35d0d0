/**
 * FLUX.1's GPU memory by part, precision and placement, as Markdown tables: computed from the parts'
 * configs (parameter-count.ts) with the activation estimate of memory-estimate.ts. The README's memory
 * tables are this output (a test holds them to it); `npx tsx bench/model-memory.ts` prints it.
 */
import { CARDS, GIB, gpuBytes, type Part, type Precision, weightBytes } from "./memory-estimate.js";
import {
  clipTextParameters,
  FLUX1_CONFIGS,
  fluxTransformerParameters,
  t5EncoderParameters,
  vaeParameters,
} from "./parameter-count.js";

export function memoryTablesMarkdown(): string {
  const gib = (b: number) => (b / GIB).toFixed(2);
  const precisions: Precision[] = ["fp32", "fp16", "bf16"];
  const c = FLUX1_CONFIGS;
  const vae = vaeParameters(c.vae);
  const parts: Array<[Part, string, number]> = [
    ["transformer", "transformer (FLUX.1-dev)", fluxTransformerParameters(c.transformer)],
    ["text_encoder_2", "T5-XXL encoder (text_encoder_2)", t5EncoderParameters(c.text_encoder_2)],
    ["text_encoder", "CLIP-L text (text_encoder)", clipTextParameters(c.text_encoder)],
    ["vae", "VAE encoder + decoder", vae.encoder + vae.decoder],
  ];

  const lines: string[] = [];
  lines.push("| part | parameters | fp32 | fp16 | bf16 |", "|---|---:|---:|---:|---:|");
  for (const [part, name, params] of parts) {
    lines.push(
      `| ${name} | ${params.toLocaleString("en-US")} | ${precisions.map((p) => `${gib(weightBytes(part, p))} GiB`).join(" | ")} |`,
    );
  }
  lines.push("");
  const placements = [
    { name: "everything on the GPU", textEncodersOnGpu: true, vaeOnGpu: true },
    { name: "TEXT_ENCODER_PROVIDER=cpu", textEncodersOnGpu: false, vaeOnGpu: true },
    { name: "TEXT_ENCODER_PROVIDER=cpu, VAE_PROVIDER=cpu", textEncodersOnGpu: false, vaeOnGpu: false },
  ];
  lines.push(
    `| FLUX.1-dev at 1 MP, fused attention | ${precisions.join(" | ")} | ${CARDS.map((k) => `${k.name}, bf16`).join(" | ")} |`,
    `|---|${precisions.map(() => "---:").join("|")}|${CARDS.map(() => ":-:").join("|")}|`,
  );
  for (const p of placements) {
    const need = (prec: Precision) => gpuBytes(prec, p, 1, "dev");
    const fits = CARDS.map((k) => {
      const spare = k.bytes - need("bf16");
      return spare >= 0 ? `yes (${gib(spare)} GiB spare)` : `no (${gib(-spare)} GiB short)`;
    });
    lines.push(
      `| ${p.name} | ${precisions.map((prec) => `${gib(need(prec))} GiB`).join(" | ")} | ${fits.join(" | ")} |`,
    );
  }
  return lines.join("\n");
}
