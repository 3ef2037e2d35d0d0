import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { RfEditProcess } from "../support/child-process.js";
import { countScenario, EditBatch, type ScenarioCounts } from "../support/failover-batch.js";

export const EDITS_PER_BATCH = 30;
const SEND_EVERY_MS = 100;

/** The bot's ops port, from its "ops endpoints are up" line. */
export function opsPort(bot: RfEditProcess): number {
  const line = bot.logs.find((l) => l.msg === "ops endpoints are up");
  return Number(line?.port);
}

async function scrape(port: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

function metric(body: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(body);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Sends a batch of edits through the playground while `failover` runs after the first third, waits
 * for every accepted edit to be delivered, and checks the promises of docs/operations.md: each
 * accepted edit delivered exactly once, each other one refused in words (503), no status message
 * going backwards, /metrics answering during the failover.
 */
export async function runScenario(o: {
  name: string;
  url: string;
  bot: RfEditProcess;
  worker?: RfEditProcess;
  failover: () => Promise<void>;
  settleMs?: number;
}): Promise<ScenarioCounts> {
  const batch = new EditBatch(o.url);
  await batch.watch();
  const port = opsPort(o.bot);
  const before = metric((await scrape(port)).body, "rf_edit_redis_failovers_total");
  const sends: Promise<unknown>[] = [];
  let failoverAt = 0;
  let failover: Promise<void> = Promise.resolve();
  const scrapes: Promise<{ status: number; body: string }>[] = [];
  for (let i = 0; i < EDITS_PER_BATCH; i++) {
    if (i === Math.floor(EDITS_PER_BATCH / 3)) {
      failoverAt = Date.now();
      failover = o.failover();
    }
    sends.push(batch.send(i));
    if (failoverAt && i % 5 === 0)
      scrapes.push(scrape(port).catch((err) => ({ status: 0, body: String(err) })));
    await new Promise((r) => setTimeout(r, SEND_EVERY_MS));
  }
  await failover;
  await Promise.all(sends);
  // Until one edit sent after the failover is accepted (the recovery time), one more every 500 ms.
  for (let extra = 0; extra < 60; extra++) {
    if (batch.outcomes.some((x) => x.ok && x.at >= failoverAt)) break;
    await batch.send(EDITS_PER_BATCH + extra);
    await new Promise((r) => setTimeout(r, 500));
  }
  const results = await batch.settle(o.settleMs ?? 45_000);
  batch.close();
  const counts = countScenario(o.name, batch, results, failoverAt);
  // The note on issue 18 quotes these lines.
  process.stdout.write(`FAILOVER-COUNTS ${JSON.stringify(counts)}\n`);
  if (process.env.TEST_HA_LOGDIR) {
    const file = path.join(process.env.TEST_HA_LOGDIR, `${o.name.replace(/\W+/g, "-")}.json`);
    const results = Object.fromEntries(await batch.results().catch(() => new Map()));
    writeFileSync(
      file,
      JSON.stringify(
        {
          counts,
          outcomes: batch.outcomes,
          results,
          status: Object.fromEntries(batch.statusTexts),
          bot: o.bot.logs,
          worker: o.worker?.logs,
        },
        null,
        1,
      ),
    );
  }

  const odd = batch.outcomes.filter((x) => !(x.ok && x.jobId) && !(x.status === 503 && x.message));
  assert.deepEqual(odd, [], "every edit is accepted or refused in words with HTTP 503");
  assert.equal(counts.lost, 0, "no accepted edit is lost");
  assert.equal(counts.duplicated, 0, "no edit is delivered twice");
  assert.equal(counts.deliveredOnce, counts.accepted);
  assert.ok(counts.accepted > 0, "edits are accepted again after the failover");
  assert.deepEqual(batch.backwards(), [], "no status message goes backwards");
  for (const s of await Promise.all(scrapes))
    assert.equal(s.status, 200, "/metrics answers during the failover");
  const after = metric((await scrape(port)).body, "rf_edit_redis_failovers_total");
  assert.ok(after > before, `the failover is counted (${before} → ${after})`);
  return counts;
}

/** /readyz of the bot `count` times, 400 ms apart: the statuses it answered. */
export async function probeReadiness(bot: RfEditProcess, count = 10): Promise<number[]> {
  const port = opsPort(bot);
  const probes: Promise<number>[] = [];
  for (let k = 0; k < count; k++) {
    probes.push(
      fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.status,
        () => 0,
      ),
    );
    await new Promise((r) => setTimeout(r, 400));
  }
  return Promise.all(probes);
}
