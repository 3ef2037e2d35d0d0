/**
 * How fast the Slack app acks under a burst: `npx tsx bench/slack-ack.ts [--count 100] [--window-ms 1000]`.
 * Sends `count` signed /edit slash commands spread evenly over `window-ms` to the real Bolt app (HTTP
 * receiver) on the shared core; no GPU worker, so every edit is queued. The fake Slack and the load
 * generator run in a child process, so their work does not sit on the app's event loop (Slack's
 * servers are not in the bot's process either). Reports time to ack (the HTTP response Slack waits
 * for) and how many edits reached "queued" in the thread.
 * Target: p99 under 500 ms, max under 3 s (Slack's limit), nothing dropped. Needs Redis on 127.0.0.1:6379.
 */

import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { startSlack } from "../src/platforms/slack/index.js";
import { DEFAULT_SIGNING_SECRET, FakeSlack, SignedSender } from "../test/fakes/slack/index.js";
import { startStack, uniquePrefix } from "../test/support/stack.js";

const CHANNEL = "C0RFCHAN01";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100" },
    "window-ms": { type: "string", default: "1000" },
    "load-generator": { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const windowMs = Number(values["window-ms"]);

interface Ready {
  kind: "ready";
  apiUrl: string;
  botToken: string;
}
interface Done {
  kind: "done";
  statuses: number[];
  times: number[];
  sentInMs: number;
  queued: number;
  queuedAfterMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Child: the fake Slack plus the signed-request sender. */
async function loadGenerator(): Promise<void> {
  const fake = await FakeSlack.start();
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#4080c0" } })
    .png()
    .toBuffer();
  const { message } = fake.postFileMessage({
    channel: CHANNEL,
    user: "U0RFUSER01",
    name: "in.png",
    bytes: png,
  });
  process.send?.({ kind: "ready", apiUrl: fake.apiUrl, botToken: fake.botToken } satisfies Ready);
  const port = await new Promise<number>((resolve) => process.once("message", (m) => resolve(Number(m))));
  const sender = new SignedSender({
    url: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: DEFAULT_SIGNING_SECRET,
  });
  // Warm-up: the first request pays for auth.test and connection setup.
  await sender.slashCommand(fake.payloads.slashCommand({ command: "/edit-queue" }));

  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => {
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
    }),
  );
  const sentInMs = performance.now() - started;
  const queuedCount = () =>
    fake.thread(CHANNEL, message.ts).filter((m) => /bench edit \d+/.test(m.text) && /Queued/.test(m.text))
      .length;
  const deadline = Date.now() + 30_000;
  while (queuedCount() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const done: Done = {
    kind: "done",
    statuses: results.map((r) => r.status),
    times: results.map((r) => r.ms),
    sentInMs,
    queued: queuedCount(),
    queuedAfterMs: performance.now() - started,
  };
  process.send?.(done);
  await new Promise((resolve) => process.once("message", resolve));
  await fake.close();
}

/** Parent: the bot (shared core + Bolt app) on its own event loop. */
async function main(): Promise<number> {
  const child = fork(
    process.argv[1],
    ["--load-generator", "--count", String(count), "--window-ms", String(windowMs)],
    {
      execArgv: process.execArgv,
    },
  );
  const next = <T>() => new Promise<T>((resolve) => child.once("message", (m) => resolve(m as T)));
  const ready = await next<Ready>();
  const stack = await startStack({
    prefix: uniquePrefix("bench-slack-ack"),
    worker: false,
    env: {
      SLACK_BOT_TOKEN: ready.botToken,
      SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
      SLACK_API_URL: ready.apiUrl,
      SLACK_FILE_HOSTS: new URL(ready.apiUrl).host,
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
    const finished = next<Done>();
    child.send(String(slack.port));
    const done = await finished;
    child.send("close");
    const times = done.times.filter((_, i) => done.statuses[i] === 200).sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const max = times.at(-1) ?? Number.NaN;
    const dropped = count - times.length;
    const rows: [string, string][] = [
      ["commands sent", `${count} over ${windowMs} ms (all answered by ${done.sentInMs.toFixed(0)} ms)`],
      ["acked (HTTP 200)", String(times.length)],
      ["dropped / failed", String(dropped)],
      ["ack p50", `${p50.toFixed(1)} ms`],
      ["ack p99", `${p99.toFixed(1)} ms`],
      ["ack max", `${max.toFixed(1)} ms`],
      ["queued in thread", `${done.queued} (all by ${done.queuedAfterMs.toFixed(0)} ms)`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(
      "\nSlack ack benchmark (HTTP receiver, fake Slack in a child process, no GPU worker)\n",
    );
    for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    const pass = dropped === 0 && p99 < 500 && max < 3000 && done.queued === count;
    process.stdout.write(
      `  ${"target".padEnd(width)}  p99 < 500 ms, max < 3000 ms, none dropped: ${pass ? "MET" : "MISSED"}\n\n`,
    );
    return pass ? 0 : 1;
  } finally {
    await slack.stop();
    await stack.close();
    await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
  }
}

const run = values["load-generator"] ? loadGenerator().then(() => 0) : main();
run.then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
