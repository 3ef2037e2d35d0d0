/**
 * How fast the Slack app acks under a burst: `npx tsx bench/slack-ack.ts [--count 100] [--window-ms 1000]`.
 * Sends `count` signed /edit slash commands spread evenly over `window-ms` to the real Bolt app (HTTP
 * receiver) on the shared core, talking to the fake Slack; no GPU worker, so every edit is queued.
 * Reports time to ack (the HTTP response Slack waits for), and how many edits reached "queued".
 * Target: p99 under 500 ms, max under 3 s (Slack's limit), nothing dropped. Needs Redis on 127.0.0.1:6379.
 */

import { parseArgs } from "node:util";
import sharp from "sharp";
import { startSlack } from "../src/platforms/slack/index.js";
import { DEFAULT_SIGNING_SECRET, FakeSlack, SignedSender } from "../test/fakes/slack/index.js";
import { startStack, uniquePrefix } from "../test/support/stack.js";

const { values } = parseArgs({
  options: { count: { type: "string", default: "100" }, "window-ms": { type: "string", default: "1000" } },
});
const count = Number(values.count);
const windowMs = Number(values["window-ms"]);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<number> {
  const fake = await FakeSlack.start();
  const stack = await startStack({
    prefix: uniquePrefix("bench-slack-ack"),
    worker: false,
    env: {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_FILE_HOSTS: "127.0.0.1",
      SLACK_PORT: "0",
      MAX_QUEUE_LENGTH: String(count * 10),
      MAX_QUEUED_PER_USER: "1000",
      RATE_LIMIT_BURST: "10000",
      RATE_LIMIT_PER_MINUTE: "10000",
    },
  });
  const slack = await startSlack(stack.ctx);
  await stack.ctx.startDeliveries();
  try {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#4080c0" } })
      .png()
      .toBuffer();
    const { message } = fake.postFileMessage({
      channel: "C0RFCHAN01",
      user: "U0RFUSER01",
      name: "in.png",
      bytes: png,
    });
    const sender = new SignedSender({
      url: `http://127.0.0.1:${slack.port}/slack/events`,
      signingSecret: DEFAULT_SIGNING_SECRET,
    });
    // Warm-up: the first request pays for auth.test and connection setup.
    await sender.slashCommand(fake.payloads.slashCommand({ command: "/edit-queue" }));

    const started = performance.now();
    const sends = Array.from({ length: count }, (_, i) => {
      const payload = fake.payloads.slashCommand({
        text: `bench edit ${i} 0.5`,
        userId: `U0RFB${String(i).padStart(5, "0")}`,
      });
      return new Promise<{ status: number; ms: number }>((resolve) => {
        setTimeout(
          () => {
            sender
              .slashCommand(payload, { timeoutMs: 10_000 })
              .then((r) => resolve({ status: r.status, ms: r.elapsedMs }))
              .catch(() => resolve({ status: 0, ms: Number.NaN }));
          },
          (i * windowMs) / count,
        );
      });
    });
    const results = await Promise.all(sends);
    const sentInMs = performance.now() - started;

    // Every acked command should reach the queue and say so in the image's thread.
    const deadline = Date.now() + 30_000;
    const queuedCount = () =>
      fake
        .thread("C0RFCHAN01", message.ts)
        .filter((m) => /bench edit \d+/.test(m.text) && /Queued/.test(m.text)).length;
    while (queuedCount() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const queuedAfterMs = performance.now() - started;

    const acked = results.filter((r) => r.status === 200);
    const times = acked.map((r) => r.ms).sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const max = times.at(-1) ?? Number.NaN;
    const dropped = count - acked.length;
    const queued = queuedCount();

    const rows: [string, string][] = [
      ["commands sent", `${count} over ${windowMs} ms (all sent by ${sentInMs.toFixed(0)} ms)`],
      ["acked (HTTP 200)", String(acked.length)],
      ["dropped / failed", String(dropped)],
      ["ack p50", `${p50.toFixed(1)} ms`],
      ["ack p99", `${p99.toFixed(1)} ms`],
      ["ack max", `${max.toFixed(1)} ms`],
      ["queued in thread", `${queued} (all by ${queuedAfterMs.toFixed(0)} ms)`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write("\nSlack ack benchmark (HTTP receiver, fake Slack, no GPU worker)\n");
    for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    const pass = dropped === 0 && p99 < 500 && max < 3000 && queued === count;
    process.stdout.write(
      `  ${"target".padEnd(width)}  p99 < 500 ms, max < 3000 ms, none dropped: ${pass ? "MET" : "MISSED"}\n\n`,
    );
    return pass ? 0 : 1;
  } finally {
    await slack.stop();
    await stack.close();
    await fake.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
