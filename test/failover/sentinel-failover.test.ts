import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RfEditProcess } from "../support/child-process.js";
import { startBotAndWorker } from "../support/failover-batch.js";
import { SentinelSet } from "../support/redis-ha.js";
import { uniquePrefix } from "../support/stack.js";
import { probeReadiness, runScenario } from "./run-scenario.js";

describe("Redis Sentinel failover under a batch of edits (bot and worker as separate processes)", () => {
  let ha: SentinelSet;
  let bot: RfEditProcess;
  let worker: RfEditProcess;
  let url: string;

  before(async () => {
    ha = await SentinelSet.start();
    ({ bot, worker, url } = await startBotAndWorker(ha.url, uniquePrefix("ha-sentinel")));
  });

  after(async () => {
    await bot?.kill("SIGKILL");
    await worker?.kill("SIGKILL");
    await ha?.stop();
  });

  it("SENTINEL FAILOVER: nothing accepted is lost or doubled, the rest is refused in words", async () => {
    await ha.waitForHealthy();
    const oldMaster = await ha.masterPort();
    await runScenario({
      name: "sentinel: SENTINEL FAILOVER",
      url,
      bot,
      worker,
      failover: async () => {
        await ha.failover();
        await ha.waitForNewMaster(oldMaster);
      },
    });
    assert.notEqual(await ha.masterPort(), oldMaster);
  });

  it("kill -9 of the master: the same, and /readyz says not ready meanwhile", async () => {
    await ha.waitForHealthy();
    const oldMaster = await ha.masterPort();
    let readyDuring: number[] = [];
    await runScenario({
      name: "sentinel: kill -9 of the master",
      url,
      bot,
      worker,
      failover: async () => {
        await ha.server(oldMaster).kill();
        readyDuring = await probeReadiness(bot, 5);
        await ha.waitForNewMaster(oldMaster);
        // A supervisor restarts the crashed server; Sentinel makes it the new master's replica, and
        // until it is in sync the new master refuses writes (min-replicas-to-write): "busy".
        await ha.server(oldMaster).start();
      },
    });
    assert.ok(readyDuring.includes(503), `/readyz said not ready during the failover (${readyDuring})`);
  });

  it("shuts down within SHUTDOWN_TIMEOUT_MS with every Redis server gone", async () => {
    for (const s of [...ha.servers, ...ha.sentinels]) await s.kill();
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    await Promise.all([bot.kill("SIGTERM"), worker.kill("SIGTERM")]);
    const took = Date.now() - started;
    assert.ok(took < 5000 + 2000, `both exited within the 5 s deadline (took ${took} ms)`);
    for (const p of [bot, worker]) {
      assert.ok(
        p.hasLog((l) => typeof l.msg === "string" && /^stopped/.test(l.msg)),
        `says how it stopped:\n${p.tail()}`,
      );
    }
  });
});
