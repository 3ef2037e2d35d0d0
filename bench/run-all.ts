/**
 * Runs every benchmark in turn; each prints its own table. `npm run bench -- rf-engine` runs one.
 * Benchmarks check the speed and memory targets of the issues; tests never time anything.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BENCHES = [
  "rf-engine",
  "solver",
  "pipeline",
  "demo-quality",
  "queue",
  "discord-ack",
  "slack-ack",
  "encode-to-fit",
  "model-memory",
  "intake",
];

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
let failed = 0;
for (const name of wanted.length ? wanted : BENCHES) {
  const file = path.join(here, `${name}.ts`);
  if (!existsSync(file)) {
    process.stdout.write(`\n== ${name}: not present\n`);
    continue;
  }
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
