/**
 * The bot's intake under a burst: `npx tsx bench/intake.ts [--photos DIR] [--count 100]`.
 *
 * Starts a private redis-server and the real bot (`ROLE=bot`, playground only) as a child process
 * with the default intake settings, then posts `count` concurrent 10 MB uploads to the playground,
 * as a browser does: first junk (random bytes behind PNG/JPEG/GIF/WebP magic), then real photographs
 * re-encoded as ~10 MB JPEGs (each one a different crop, so none is deduplicated by its hash).
 * Refused uploads ("busy, try again in a moment", 503) are retried after a pause, as a person would.
 * Prints the bot's peak RSS (VmHWM) and Redis growth per phase, then the Redis storage of one 1 MP
 * edit with a GPU worker on the tiny demo model.
 * Targets (issue 12): peak RSS under 1 GB; Redis grows only for images that decode; one 1 MP edit
 * stores under 4 MB.
 *
 * Photographs: any folder of JPEG/PNG photos (`--photos`), e.g. Debian's wallpaper packages unpacked
 * with `apt-get download lomiri-wallpapers-20.04 && dpkg-deb -x *.deb x` (usr/share/backgrounds).
 * Without one, photo-like pictures (gradients with sensor-like noise) are synthesised, and the table
 * says so.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import sharp, { type Sharp } from "sharp";
import { RedisServer } from "../test/support/redis-server.js";

const MB = 1024 * 1024;
const UPLOAD_BYTES = 10 * MB;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const COUNT = Number(arg("count") ?? 100);
const PHOTOS = arg("photos") ?? process.env.BENCH_PHOTOS_DIR;
const PREFIX = "bench-intake";

interface Child {
  proc: ChildProcess;
  url: string;
}

/** The real bot (or worker) process, as `npm start` runs it. */
async function startRole(
  role: "bot" | "worker",
  redisUrl: string,
  extra: Record<string, string> = {},
): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ROLE: role,
      REDIS_URL: redisUrl,
      KEY_PREFIX: PREFIX,
      PLAYGROUND_PORT: "0",
      METRICS_PORT: "0",
      LOG_LEVEL: "warn",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start:\n${out}`)), 120_000);
    proc.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /rf-edit playground: (\S+)/.exec(out);
      if (m || (role === "worker" && /taking edit jobs/.test(out))) {
        clearTimeout(timer);
        resolve(m?.[1] ?? "");
      }
    });
    proc.once("exit", (code) => reject(new Error(`${role} exited with ${code}:\n${out}`)));
  });
  return { proc, url };
}

/** Peak resident set size of a process so far (Linux's VmHWM), in bytes. */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function currentRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
}

/** Stored images: how many, and their bytes as Redis holds them (MEMORY USAGE). */
async function imageKeys(redis: Redis): Promise<{ count: number; bytes: number; keys: string[] }> {
  const keys = await redis.keys(`${PREFIX}:img:*`);
  let bytes = 0;
  for (const k of keys) bytes += Number((await redis.memory("USAGE", k)) ?? 0);
  return { count: keys.length, bytes, keys };
}

interface UploadResult {
  status: number;
  busyRefusals: number;
}

/** One upload as the page sends it, retried after a pause while the bot says it is busy. */
async function upload(base: URL, cookie: string, body: Buffer, text: string): Promise<UploadResult> {
  let busyRefusals = 0;
  for (;;) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          method: "POST",
          path: "/api/messages",
          headers: {
            cookie,
            "content-type": "application/octet-stream",
            "content-length": String(body.length),
            "x-playground-text": encodeURIComponent(text),
            "x-playground-filename": "upload.jpg",
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      // A refused upload is answered before its body is read, and the bot closes the connection.
      req.on("error", (err: NodeJS.ErrnoException) =>
        err.code === "EPIPE" || err.code === "ECONNRESET" ? resolve(503) : reject(err),
      );
      req.end(body);
    });
    if (status !== 503 || busyRefusals >= 200) return { status, busyRefusals };
    busyRefusals++;
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 1500));
  }
}

async function session(base: URL): Promise<string> {
  const res = await fetch(new URL("/api/info", base));
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

/** Photographs from `dir`, or synthesised photo-like pictures; raw pixels, large. */
async function sourcePhotos(dir: string | undefined): Promise<{ name: string; image: Sharp }[]> {
  if (dir) {
    const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    const out: { name: string; image: Sharp }[] = [];
    for (const f of files) {
      const meta = await sharp(path.join(dir, f)).metadata();
      if ((meta.width ?? 0) * (meta.height ?? 0) >= 8_000_000)
        out.push({ name: f, image: sharp(path.join(dir, f)) });
    }
    if (out.length) return out;
  }
  const width = 4000;
  const height = 3000;
  const data = Buffer.alloc(width * height * 3);
  let s = 1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = (s >>> 26) - 32;
      const i = (y * width + x) * 3;
      data[i] = Math.max(0, Math.min(255, 120 + 100 * Math.sin(x / 300) + n));
      data[i + 1] = Math.max(0, Math.min(255, (y * 255) / height + n));
      data[i + 2] = Math.max(0, Math.min(255, 90 + 80 * Math.cos((x + y) / 500) + n));
    }
  return [{ name: "synthesised 12 MP", image: sharp(data, { raw: { width, height, channels: 3 } }) }];
}

/** `count` different JPEGs of about 10 MB: each source photo cropped a little differently. */
async function photoUploads(count: number, dir: string): Promise<string[]> {
  const sources = await sourcePhotos(PHOTOS);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  // The highest quality that stays within 10 MB, found once per source: uploads as large as asked.
  const quality = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const which = i % sources.length;
    const src = sources[which];
    const meta = await src.image.clone().metadata();
    const inset = 2 * (Math.floor(i / sources.length) + 1);
    const crop = src.image
      .clone()
      .extract({ left: 1, top: 1, width: (meta.width ?? 0) - inset, height: (meta.height ?? 0) - inset });
    let q = quality.get(which) ?? 98;
    let bytes = await crop.clone().jpeg({ quality: q }).toBuffer();
    while (bytes.length > UPLOAD_BYTES && q > 60) {
      q -= 4;
      bytes = await crop.clone().jpeg({ quality: q }).toBuffer();
    }
    quality.set(which, q);
    const file = path.join(dir, `p${i}.jpg`);
    await writeFile(file, bytes);
    files.push(file);
  }
  return files;
}

function fmt(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

async function burst(
  label: string,
  bot: Child,
  redis: Redis,
  bodies: () => Promise<Buffer>[],
): Promise<string[]> {
  const base = new URL(bot.url);
  const cookie = await session(base);
  const pid = bot.proc.pid as number;
  const before = {
    used: await usedMemory(redis),
    images: await imageKeys(redis),
    rss: await currentRss(pid),
  };
  const t0 = performance.now();
  const results = await Promise.all(
    bodies().map(async (b, i) => upload(base, cookie, await b, `${label} ${i}`)),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = { used: await usedMemory(redis), images: await imageKeys(redis) };
  const ok = results.filter((r) => r.status === 200).length;
  const refusals = results.reduce((n, r) => n + r.busyRefusals, 0);
  const newImages = after.images.count - before.images.count;
  return [
    label,
    String(results.length),
    `${ok} (${refusals} busy)`,
    fmt(before.rss),
    fmt(await peakRss(pid)),
    String(newImages),
    fmt(after.used - before.used),
    newImages ? fmt((after.images.bytes - before.images.bytes) / newImages) : "-",
    `${seconds.toFixed(1)} s`,
  ];
}

async function main(): Promise<void> {
  const work = path.join(tmpdir(), `rf-intake-bench-${randomBytes(3).toString("hex")}`);
  const server = await RedisServer.start();
  const redis = new Redis(server.url, { lazyConnect: false });
  let bot: Child | undefined;
  let worker: Child | undefined;
  try {
    process.stdout.write(`preparing ${COUNT} photo uploads of about 10 MB...\n`);
    const photoFiles = await photoUploads(COUNT, work);
    const sources = (await sourcePhotos(PHOTOS)).map((s) => s.name);
    bot = await startRole("bot", server.url);
    const rows: string[][] = [];

    const magics = [
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from("GIF89a"),
      Buffer.from("RIFF\0\0\0\0WEBPVP8 "),
    ];
    const junk = randomBytes(UPLOAD_BYTES - 16);
    rows.push(
      await burst("junk with image magic", bot, redis, () =>
        Array.from({ length: COUNT }, (_, i) => Promise.resolve(Buffer.concat([magics[i % 4], junk]))),
      ),
    );
    rows.push(await burst("real photographs", bot, redis, () => photoFiles.map((f) => readFile(f))));

    const header = [
      "uploads",
      "n",
      "posted (busy refusals)",
      "bot RSS before",
      "bot peak RSS",
      "images stored",
      "Redis growth",
      "per stored image",
      "wall",
    ];
    printTable(header, rows);
    process.stdout.write(
      `photographs: ${sources.join(", ")}${PHOTOS ? ` (from ${PHOTOS})` : " (none given)"}\n`,
    );
    const peak = await peakRss(bot.proc.pid as number);
    process.stdout.write(
      `target: bot peak RSS under 1 GB: ${peak < 1024 * MB ? "met" : "MISSED"} (${fmt(peak)})\n`,
    );

    // One 1 MP edit, input to delivered result, with a worker on the tiny demo model.
    // Steps do not change what is stored; 4 keep the CPU run short.
    worker = await startRole("worker", server.url, {
      TARGET_MEGAPIXELS: "1",
      DEFAULT_STEPS: "4",
      LOG_LEVEL: "info",
    });
    const base = new URL(bot.url);
    const cookie = await session(base);
    const onePhoto = await sharp(await readFile(photoFiles[0]))
      .resize(1216, 832, { fit: "cover" })
      .jpeg({ quality: 95 })
      .toBuffer();
    const before = await usedMemory(redis);
    const allKeys = async () => [
      ...(await redis.keys(`${PREFIX}:*`)),
      ...(await redis.keys(`{${PREFIX}}:*`)),
    ];
    const keysBefore = new Set(await allKeys());
    await upload(base, cookie, onePhoto, "/edit make it winter 0.6");
    const deadline = Date.now() + 600_000;
    for (;;) {
      const history = (await (
        await fetch(new URL("/api/history", base), { headers: { cookie } })
      ).json()) as {
        messages: { job?: unknown }[];
      };
      if (history.messages.some((m) => m.job)) break;
      if (Date.now() > deadline) throw new Error("the 1 MP edit did not finish in 10 minutes");
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 500));
    const grown = (await usedMemory(redis)) - before;
    const parts = new Map<string, number>();
    for (const k of await allKeys()) {
      if (keysBefore.has(k)) continue;
      const kind = k.includes(":img:")
        ? "images (input + result)"
        : k.includes(":inv:")
          ? "inversion cache"
          : k.startsWith("{")
            ? "BullMQ jobs and events"
            : "job records, links";
      parts.set(kind, (parts.get(kind) ?? 0) + Number((await redis.memory("USAGE", k)) ?? 0));
    }
    process.stdout.write("\none 1 MP edit (1216x832 photo, tiny demo model), Redis storage:\n");
    printTable(
      ["part", "bytes"],
      [...parts.entries()].map(([k, v]) => [k, fmt(v)]),
    );
    const total = [...parts.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(
      `target: storage per 1 MP edit under 4 MB: ${total < 4 * MB ? "met" : "MISSED"} (${fmt(total)} in the edit's ` +
        `new keys; used_memory, with Redis' own overhead and the channel's messages, grew ${fmt(grown)})\n`,
    );
  } finally {
    bot?.proc.kill("SIGTERM");
    worker?.proc.kill("SIGTERM");
    redis.disconnect();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |\n`;
  process.stdout.write(line(header));
  process.stdout.write(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`);
  for (const r of rows) process.stdout.write(line(r));
}

main().catch((err) => {
  process.stderr.write(`bench/intake failed: ${(err as Error).message}\n`);
  process.exit(1);
});
