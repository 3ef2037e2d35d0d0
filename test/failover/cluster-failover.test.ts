import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RfEditProcess } from "../support/child-process.js";
import { startBotAndWorker } from "../support/failover-batch.js";
import { ClusterSet } from "../support/redis-ha.js";
import { uniquePrefix } from "../support/stack.js";
import { probeReadiness, runScenario } from "./run-scenario.js";

describe("Redis Cluster failover under a batch of edits (bot and worker as separate processes)", () => {
  let cluster: ClusterSet;
  let bot: RfEditProcess;
  let worker: RfEditProcess;
  let url: string;
  const prefix = uniquePrefix("ha-cluster");
  // Every BullMQ key of the edit queue carries this hash tag, so one master holds the whole queue.
  const queueKey = `{${prefix}}:edit:wait`;

  before(async () => {
    cluster = await ClusterSet.start(2000);
    ({ bot, worker, url } = await startBotAndWorker(cluster.url, prefix));
  });

  after(async () => {
    await bot?.kill("SIGKILL");
    await worker?.kill("SIGKILL");
    await cluster?.stop();
  });

  it("kill -9 of the queue's master: requests wait or get 503 in words, nothing is lost or doubled", async () => {
    const master = await cluster.masterOf(queueKey);
    let readyDuring: number[] = [];
    await runScenario({
      name: "cluster: kill -9 of the queue's master",
      url,
      bot,
      worker,
      failover: async () => {
        await master.kill();
        // While the cluster has no master for the queue's slot, /readyz must not say ready.
        readyDuring = await probeReadiness(bot);
        await cluster.waitForOk(queueKey);
      },
    });
    assert.ok(readyDuring.includes(503), `/readyz said not ready during the failover (${readyDuring})`);
    assert.notEqual((await cluster.masterOf(queueKey)).port, master.port);
  });
});
