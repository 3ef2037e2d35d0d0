import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "./redis-server.js";

const run = promisify(execFile);

/** One private redis-server (or Sentinel) process on a loopback port, started with its arguments. */
export class RedisProcess {
  private child?: ChildProcess;
  private out = "";

  constructor(
    readonly port: number,
    private readonly args: string[],
    private readonly ready = "Ready to accept connections",
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`redis on ${this.port} is already running`);
    const child = spawn("redis-server", this.args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.out = "";
    let started = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis on ${this.port} did not start:\n${this.out}`)),
        10_000,
      );
      // Read to the end so a chatty server never blocks on a full pipe; kept only until it is up.
      const onData = (chunk: Buffer) => {
        if (started) return;
        this.out += chunk.toString();
        if (this.out.includes(this.ready)) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        if (!started)
          reject(new Error(`redis on ${this.port} exited with ${code}:\n${this.out.slice(-2000)}`));
      });
    });
    this.out = "";
  }

  /** kill -9: no goodbye to clients or replicas, like a crashed machine. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
  }

  client(): Redis {
    const c = new Redis({ port: this.port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 1 });
    c.on("error", () => undefined);
    return c;
  }

  /** One command on a short-lived connection. */
  async call(...args: (string | number)[]): Promise<unknown> {
    const c = this.client();
    try {
      return await c.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      c.disconnect();
    }
  }
}

const serverArgs = (port: number, dir: string) => [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--appendonly",
  "no",
  "--dir",
  dir,
  // A replica syncs at once instead of after the default 5 s: a master killed before its replica
  // ever synced has no replica fit to take over (its data age is unbounded), so no failover happens.
  "--repl-diskless-sync-delay",
  "0",
];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A master, a replica and three Sentinels (quorum 2), all private: the shared 6379 is never
 * touched. Sentinels decide quickly (down after 1 s) so a failover takes a few seconds.
 */
export class SentinelSet {
  readonly masterName = "mymaster";

  private constructor(
    private readonly dir: string,
    readonly servers: RedisProcess[],
    readonly sentinels: RedisProcess[],
  ) {}

  static async start(): Promise<SentinelSet> {
    const dir = await mkdtemp(path.join(tmpdir(), "rf-sentinel-"));
    const [p0, p1] = [await freePort(), await freePort()];
    // As docs/operations.md asks of every master (and of every replica, which may be promoted): an
    // isolated master refuses writes instead of taking writes a failover would erase.
    const safe = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"];
    const master = new RedisProcess(p0, [...serverArgs(p0, dir), ...safe]);
    const replica = new RedisProcess(p1, [
      ...serverArgs(p1, dir),
      ...safe,
      "--replicaof",
      "127.0.0.1",
      String(p0),
    ]);
    await master.start();
    await replica.start();
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = path.join(dir, `sentinel-${port}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor mymaster 127.0.0.1 ${p0} 2`,
          "sentinel down-after-milliseconds mymaster 1000",
          "sentinel failover-timeout mymaster 4000",
          "sentinel parallel-syncs mymaster 1",
          "",
        ].join("\n"),
      );
      sentinels.push(new RedisProcess(port, [file, "--sentinel"], "Sentinel ID is"));
    }
    for (const s of sentinels) await s.start();
    const set = new SentinelSet(dir, [master, replica], sentinels);
    await waitFor("the replica to sync", async () =>
      /master_link_status:up/.test(String(await replica.call("INFO", "replication"))),
    );
    await waitFor("every Sentinel to know the replica and each other", async () => {
      for (const s of sentinels) {
        const info = (await s.call("SENTINEL", "MASTER", "mymaster")) as string[];
        const field = (n: string) => Number(info[info.indexOf(n) + 1]);
        if (field("num-slaves") < 1 || field("num-other-sentinels") < 2) return false;
      }
      return true;
    });
    return set;
  }

  get url(): string {
    return `redis-sentinel://${this.sentinels.map((s) => s.address).join(",")}/${this.masterName}`;
  }

  /** The port the Sentinels name as master now. */
  async masterPort(): Promise<number> {
    for (const s of this.sentinels) {
      try {
        const [, port] = (await s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.masterName)) as string[];
        return Number(port);
      } catch {}
    }
    throw new Error("no Sentinel answers");
  }

  server(port: number): RedisProcess {
    const s = this.servers.find((x) => x.port === port);
    if (!s) throw new Error(`no server on ${port}`);
    return s;
  }

  /** `SENTINEL FAILOVER`: the master is demoted and the replica promoted, without waiting for agreement. */
  async failover(): Promise<void> {
    await this.sentinels[0].call("SENTINEL", "FAILOVER", this.masterName);
  }

  /** Resolves once the Sentinels name a master other than `oldPort` and it says it is a master. */
  async waitForNewMaster(oldPort: number, timeoutMs = 30_000): Promise<number> {
    let port = oldPort;
    await waitFor(
      "a new master",
      async () => {
        port = await this.masterPort();
        if (port === oldPort) return false;
        const role = (await this.server(port).call("ROLE")) as string[];
        return role[0] === "master";
      },
      timeoutMs,
    );
    return port;
  }

  /** Resolves once every Sentinel names the same master and it has a replica in sync. */
  async waitForHealthy(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      "the master to have a replica in sync again",
      async () => {
        const ports = new Set<number>();
        for (const s of this.sentinels) {
          const [, port] = (await s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.masterName)) as string[];
          ports.add(Number(port));
        }
        if (ports.size !== 1) return false;
        const info = String(await this.server([...ports][0]).call("INFO", "replication"));
        return /role:master/.test(info) && /slave0:.*state=online/.test(info);
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    for (const p of [...this.sentinels, ...this.servers]) await p.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A six-node Redis Cluster (three masters, one replica each) with a short node timeout. */
export class ClusterSet {
  private constructor(
    private readonly dir: string,
    readonly nodes: RedisProcess[],
  ) {}

  static async start(nodeTimeoutMs = 2000): Promise<ClusterSet> {
    const dir = await mkdtemp(path.join(tmpdir(), "rf-cluster-"));
    const nodes: RedisProcess[] = [];
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      nodes.push(
        new RedisProcess(port, [
          ...serverArgs(port, dir),
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          path.join(dir, `nodes-${port}.conf`),
          "--cluster-node-timeout",
          String(nodeTimeoutMs),
        ]),
      );
    }
    await Promise.all(nodes.map((n) => n.start()));
    await run(
      "redis-cli",
      ["--cluster", "create", ...nodes.map((n) => n.address), "--cluster-replicas", "1", "--cluster-yes"],
      { timeout: 30_000 },
    );
    const set = new ClusterSet(dir, nodes);
    await waitFor("the cluster to be ok on every node, every replica in sync", async () => {
      for (const n of nodes) {
        if (!/cluster_state:ok/.test(String(await n.call("CLUSTER", "INFO")))) return false;
        const repl = String(await n.call("INFO", "replication"));
        if (/role:slave/.test(repl) && !/master_link_status:up/.test(repl)) return false;
      }
      return true;
    });
    return set;
  }

  get url(): string {
    return `redis-cluster://${this.nodes
      .slice(0, 3)
      .map((n) => n.address)
      .join(",")}`;
  }

  /** The node that is master of `key`'s slot now. */
  async masterOf(key: string): Promise<RedisProcess> {
    for (const n of this.nodes.filter((x) => x.running)) {
      try {
        const slot = Number(await n.call("CLUSTER", "KEYSLOT", key));
        const slots = (await n.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
        for (const [from, to, [, port]] of slots) if (slot >= from && slot <= to) return this.node(port);
      } catch {}
    }
    throw new Error("no cluster node answers");
  }

  node(port: number): RedisProcess {
    const n = this.nodes.find((x) => x.port === port);
    if (!n) throw new Error(`no node on ${port}`);
    return n;
  }

  /** Resolves once a surviving node says the cluster is ok and `key`'s slot has a live master. */
  async waitForOk(key: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      "the cluster to recover",
      async () => {
        const live = this.nodes.filter((x) => x.running);
        for (const n of live)
          if (!/cluster_state:ok/.test(String(await n.call("CLUSTER", "INFO")))) return false;
        return (await this.masterOf(key)).running;
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
