/**
 * `npx tsx bench/model-memory.ts`: FLUX.1's GPU memory by part, precision and placement, computed from
 * the parts' configs. The README's memory tables are this output.
 */
import { memoryTablesMarkdown } from "../gpu-worker/src/flux/memory-table.js";

process.stdout.write(`${memoryTablesMarkdown()}\n`);
