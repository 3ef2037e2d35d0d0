import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";

const ROOT = join(import.meta.dirname, "../../..");
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command line with no model configured (the tiny demo model): through npx as a user would,
 * or straight through node for the checks that fail early, which saves npm's start-up time.
 */
function cli(args: string[], via: "npx" | "node" = "node"): Promise<Run> {
  const env = { ...process.env };
  delete env.MODEL_DIR;
  delete env.LOG_LEVEL;
  return new Promise((resolve, reject) => {
    const command =
      via === "npx"
        ? ["npx", ["tsx", "gpu-worker/src/cli/edit.ts", ...args]]
        : [process.execPath, ["--import", "tsx", "gpu-worker/src/cli/edit.ts", ...args]];
    const child = spawn(command[0] as string, command[1] as string[], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-edit-cli-"));
  const data = Buffer.alloc(80 * 60 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  await sharp(data, { raw: { width: 80, height: 60, channels: 3 } })
    .jpeg()
    .toFile(join(dir, "in.jpg"));
  await writeFile(join(dir, "notes.txt"), "not an image at all\n");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm run edit", () => {
  it("edits a real file with the tiny model, writes the PNG and prints a summary", async () => {
    const out = join(dir, "out.png");
    const run = await cli(
      [
        "--image",
        join(dir, "in.jpg"),
        "--prompt",
        "a snowy street",
        "--steps",
        "2",
        "--megapixels",
        "0.0625",
        "--out",
        out,
      ],
      "npx",
    );
    assert.equal(run.code, 0, run.stderr);
    const meta = await sharp(await readFile(out)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ["png", 80, 60]);
    assert.match(
      run.stdout,
      // The default midpoint solver inverts in 2 steps for 3 calls; the SDE edit is 2 Euler-Maruyama steps.
      /^80x60 PNG -> .*out\.png: 2\+2 steps, 5 transformer calls, strength 0\.5, seed 0, sde \(midpoint inversion\)/m,
    );
    assert.match(run.stdout, /invert .*edit .*total /);
    assert.match(run.stderr, /tiny demo model: the output is NOT a real edit/);
    assert.match(run.stderr, /editing 2\/2/, "plain progress lines when stderr is not a terminal");
  });

  it("says plainly when the file is not an image, before loading the model, without a stack trace", async () => {
    const run = await cli([
      "--image",
      join(dir, "notes.txt"),
      "--prompt",
      "x",
      "--out",
      join(dir, "never.png"),
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error: That file is not an image/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.equal(existsSync(join(dir, "never.png")), false);
    assert.doesNotMatch(run.stderr, /tiny demo model/, "the model was never loaded");
  });

  it("reports usage mistakes and out-of-range settings before loading the model", async () => {
    const missing = await cli(["--image", join(dir, "in.jpg"), "--out", join(dir, "x.png")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error: --prompt is required/);
    assert.match(missing.stderr, /Usage: npm run edit/);

    const strength = await cli([
      "--image",
      join(dir, "in.jpg"),
      "--prompt",
      "x",
      "--strength",
      "2",
      "--out",
      "x.png",
    ]);
    assert.equal(strength.code, 1);
    assert.match(strength.stderr, /error: strength must be a number from 0 to 1, got 2/);

    const noFile = await cli(["--image", join(dir, "absent.jpg"), "--prompt", "x", "--out", "x.png"]);
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /cannot read --image .*absent\.jpg: no such file/);
    for (const r of [missing, strength, noFile]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it("prints help", async () => {
    const run = await cli(["--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--strength 0\.\.1/);
  });
});
