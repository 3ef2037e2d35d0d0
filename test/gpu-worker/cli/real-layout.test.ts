import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import sharp from "sharp";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import { readOnnxFileInfo } from "../../../gpu-worker/src/flux/onnx/onnx-signature.js";
import type { DeliveryJob, EditJob } from "../../../src/queue/job-schemas.js";
import { bullPrefix, DELIVERY_QUEUE } from "../../../src/queue/queue-names.js";
import { type Stack, startStack, testLogger, uniquePrefix } from "../../support/stack.js";
import { removeDir, tempDir, tinyModelDir } from "../flux/tiny-fixtures.js";

const ROOT = join(import.meta.dirname, "../../..");

function node(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, EXECUTION_PROVIDER: "cpu" };
  delete env.MODEL_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

/**
 * Folders shaped like the real FLUX.1 export: int64 ids, scheduler_config.json, and the weights file
 * under the exporter's name (model.onnx_data) or the optimizer's (model.onnx.data).
 */
const FOLDERS = [
  {
    name: "dev, fp16 as the optimizer saves it",
    options: { precision: "fp16", externalData: true, externalDataName: "model.onnx.data" },
  },
  {
    name: "schnell, fp32 as the exporter saves it",
    options: { variant: "schnell", externalData: true, externalDataName: "model.onnx_data" },
  },
] as const;

describe("a folder shaped like the real export checks and edits, for dev and schnell", () => {
  let work: string;
  const dirs: Record<string, string> = {};
  before(async () => {
    work = await tempDir("real-layout");
    await sharp({ create: { width: 96, height: 64, channels: 3, background: "#6a9" } })
      .png()
      .toFile(join(work, "in.png"));
    for (const f of FOLDERS) dirs[f.name] = await tinyModelDir(f.options);
  });
  after(async () => {
    await removeDir(work);
    for (const d of Object.values(dirs)) await removeDir(d);
  });

  for (const f of FOLDERS) {
    it(`${f.name}: models:check, then npm run edit`, async () => {
      const dir = dirs[f.name];
      const ids = (await readOnnxFileInfo(join(dir, "transformer", "model.onnx"))).inputs.filter((i) =>
        /_ids$/.test(i.name),
      );
      assert.deepEqual(
        ids.map((i) => i.type),
        ["int64", "int64"],
      );
      const check = await node(["gpu-worker/src/cli/models-check.ts", dir]);
      assert.equal(check.code, 0, check.out + check.err);
      assert.match(check.out, /^OK: /);
      assert.match(
        check.out,
        f.options.externalDataName === "model.onnx.data"
          ? /schedule: shifted by resolution/
          : /schedule: unshifted/,
      );
      const out = join(work, `${f.options.externalDataName}.png`);
      const edit = await node([
        "gpu-worker/src/cli/edit.ts",
        "--model",
        dir,
        "--image",
        join(work, "in.png"),
        "--prompt",
        "make it winter",
        "--steps",
        "2",
        "--megapixels",
        "0.02",
        "--out",
        out,
      ]);
      assert.equal(edit.code, 0, edit.err);
      const meta = await sharp(await readFile(out)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ["png", 96, 64]);
    });
  }

  it("schnell's folder edits through the worker too", async (t) => {
    const model = await loadFluxModel({
      dir: dirs[FOLDERS[1].name],
      executionProvider: "cpu",
      logger: testLogger(),
    });
    const prefix = uniquePrefix("reallayout");
    const stack: Stack = await startStack({ prefix, model });
    const deliveries = new Queue(DELIVERY_QUEUE, { connection: stack.redis, prefix: bullPrefix(prefix) });
    t.after(async () => {
      await deliveries.close();
      await stack.close();
      await model.close();
    });
    const job: EditJob = {
      v: 1,
      jobId: `j${randomBytes(6).toString("hex")}`,
      kind: "new",
      origin: { platform: "playground", workspaceId: "w", channelId: "c", userId: "u", statusMessageId: "s" },
      imageKey: await stack.ctx.images.put(await readFile(join(work, "in.png"))),
      spec: {
        prompt: "make it winter",
        strength: 0.5,
        seed: 1,
        steps: 2,
        sampler: "sde",
        solver: "euler",
        gamma: 0.5,
        eta: 0.9,
        guidance: 3.5,
        inversionSeed: 0,
      },
      requestedAt: Date.now(),
    };
    await stack.ctx.records.save(job);
    await stack.ctx.queue.queue.add("edit", job, { jobId: job.jobId });
    let delivery: DeliveryJob | undefined;
    for (let i = 0; i < 400 && !delivery; i++) {
      delivery = (await deliveries.getJob(job.jobId))?.data as DeliveryJob | undefined;
      if (!delivery) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(delivery?.status, "done", JSON.stringify(delivery?.error));
    assert.equal(delivery?.result?.transformerCalls, 4);
    assert.match(delivery?.result?.modelName ?? "", /FLUX\.1-schnell/);
  });
});
