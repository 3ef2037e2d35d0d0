/**
 * The README's screenshot, taken as a new user would see it: `npx tsx scripts/readme-screenshot.ts`.
 * Starts the bot exactly like `npm start` (no platform token, no model: the playground and the demo
 * model) on free ports and a key prefix of its own, uploads a real photo (bench/photos/dune.jpg) in
 * headless Chromium, asks `/edit make it winter`, and saves the page with the photo and the result to
 * docs/playground.png. Deletes its own Redis keys afterwards.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PHOTO = path.join(root, "bench", "photos", "dune.jpg");
const OUT = path.join(root, "docs", "playground.png");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function startBot(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /rf-edit playground: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) =>
      reject(new Error(`the bot exited with ${code} before the playground was up`)),
    );
  });
}

async function main(): Promise<void> {
  const prefix = `rf-edit-shot-${randomBytes(4).toString("hex")}`;
  const { child, url } = await startBot({
    KEY_PREFIX: prefix,
    PLAYGROUND_PORT: String(await freePort()),
    METRICS_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 870 } });
    await page.goto(url);
    await page.fill("[data-testid=name]", "ana");
    await page.press("[data-testid=name]", "Tab");
    await page.setInputFiles("[data-testid=file]", {
      name: "dune.jpg",
      mimeType: "image/jpeg",
      buffer: await readFile(PHOTO),
    });
    await page.fill("input[data-testid=text]", "/edit make it winter");
    await page.click("[data-testid=send]");
    const result = page.locator("[data-testid=result] img[data-testid=picture]");
    await result.waitFor({ timeout: 300_000 });
    await page.waitForFunction("[...document.images].every((i) => i.complete && i.naturalWidth > 0)");
    await page.screenshot({ path: OUT });
    process.stdout.write(`saved ${path.relative(root, OUT)}\n`);
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    // BullMQ keys carry the prefix in a hash tag.
    cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `*{${prefix}}*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
