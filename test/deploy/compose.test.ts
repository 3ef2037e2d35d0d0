import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { parseConfig } from "../../config/index.js";
import { envSchema } from "../../config/schema.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

interface Service {
  image?: string;
  profiles?: string[];
  entrypoint?: string[];
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required: boolean }[];
  volumes?: (string | { type: string; source: string; target: string; read_only?: boolean })[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: {
    resources?: {
      reservations?: { devices?: { driver: string; count: number | "all"; capabilities: string[] }[] };
    };
  };
}

const compose = parse(read("docker-compose.yml")) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const SETTINGS = new Set(Object.keys(envSchema.shape));

/** `ENV A=1 B=2` lines of a Dockerfile, continuation lines joined. */
function dockerfileEnv(text: string): Record<string, string> {
  const joined = text.replace(/\\\n\s*/g, " ");
  const env: Record<string, string> = {};
  for (const line of joined.split("\n")) {
    const m = /^ENV\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const pair of m[1].trim().split(/\s+/)) {
      const [k, v] = pair.split("=");
      env[k] = v;
    }
  }
  return env;
}

function containerPort(mapping: string): number {
  return Number(mapping.split(":").at(-1));
}

describe("docker-compose.yml and the Dockerfiles", () => {
  it("runs redis, bot and gpu-worker (the HA example only with --profile ha)", () => {
    const always = Object.entries(compose.services).filter(([, s]) => !s.profiles);
    assert.deepEqual(always.map(([name]) => name).sort(), ["bot", "gpu-worker", "redis"]);
  });

  describe("the HA example (docs/operations.md)", () => {
    const ha = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes("ha"));
    const names = ha.map(([name]) => name).sort();
    const arg = (s: Service, flag: string) => {
      const cmd = s.command ?? [];
      return cmd.includes(flag) ? cmd[cmd.indexOf(flag) + 1] : undefined;
    };

    it("is a master, a replica of it and three Sentinels", () => {
      assert.deepEqual(names, ["redis-master", "redis-replica", "sentinel-1", "sentinel-2", "sentinel-3"]);
      assert.equal(arg(compose.services["redis-replica"], "--replicaof"), "redis-master");
    });

    for (const name of ["redis-master", "redis-replica"])
      it(`${name}: refuses writes without a replica (min-replicas), persists, never evicts`, () => {
        const s = compose.services[name];
        assert.match(s.image ?? "", /^redis:7/);
        assert.equal(arg(s, "--min-replicas-to-write"), "1");
        assert.ok(Number(arg(s, "--min-replicas-max-lag")) > 0);
        assert.equal(arg(s, "--appendonly"), "yes");
        assert.equal(arg(s, "--maxmemory-policy"), "noeviction");
        const volume = (s.volumes ?? []).find((v) => typeof v === "string" && v.endsWith(":/data"));
        assert.ok(typeof volume === "string" && volume.split(":")[0] in compose.volumes);
      });

    it("Sentinels: quorum 2 of 3, a failover well inside the 30 s rf-edit rides out", () => {
      for (const name of ["sentinel-1", "sentinel-2", "sentinel-3"]) {
        const script = (compose.services[name].entrypoint ?? []).join(" ");
        assert.match(script, /sentinel monitor mymaster redis-master 6379 2\b/);
        assert.match(script, /--sentinel/);
        const down = Number(/down-after-milliseconds mymaster (\d+)/.exec(script)?.[1]);
        const timeout = Number(/failover-timeout mymaster (\d+)/.exec(script)?.[1]);
        assert.ok(down > 0 && down <= 10_000, `down-after-milliseconds ${down}`);
        assert.ok(timeout > 0 && timeout < 30_000, `failover-timeout ${timeout}`);
      }
    });

    it("the Sentinel URL the docs give is a valid REDIS_URL", () => {
      const docs = read("docs/operations.md");
      const url = /redis-sentinel:\/\/sentinel-1:26379[^\s`]*/.exec(docs)?.[0];
      assert.ok(url, "docs/operations.md gives the URL");
      assert.equal(parseConfig({ REDIS_URL: url }).redisUrl, url);
      assert.ok(read("docker-compose.yml").includes(url), "and so does docker-compose.yml");
    });
  });

  it("Redis 7 with append-only persistence on a named volume, and no eviction", () => {
    const redis = compose.services.redis;
    assert.match(redis.image ?? "", /^redis:7/);
    const cmd = redis.command ?? [];
    assert.equal(cmd[cmd.indexOf("--appendonly") + 1], "yes");
    assert.equal(cmd[cmd.indexOf("--maxmemory-policy") + 1], "noeviction", "BullMQ needs noeviction");
    const volume = (redis.volumes ?? []).find((v) => typeof v === "string" && v.endsWith(":/data"));
    assert.ok(typeof volume === "string", "a volume on /data, where the append-only file lives");
    assert.ok(volume.split(":")[0] in compose.volumes, "a named volume, so it outlives the container");
  });

  for (const [name, role] of [
    ["bot", "bot"],
    ["gpu-worker", "worker"],
  ] as const) {
    it(`${name}: every variable is a real setting, the set is valid, ROLE=${role}, Redis by service name`, () => {
      const s = compose.services[name];
      const env = s.environment ?? {};
      for (const key of Object.keys(env)) assert.ok(SETTINGS.has(key), `${name}: ${key} is not a setting`);
      const config = parseConfig(env);
      assert.equal(config.role, role);
      assert.equal(env.REDIS_URL, "redis://redis:6379");
      assert.equal(s.depends_on?.redis?.condition, "service_healthy");
      assert.deepEqual(s.env_file, [{ path: ".env", required: false }], "tokens come from .env");
    });

    it(`${name}: builds from a Dockerfile whose ENV names only real settings and runs src/main.ts`, () => {
      const s = compose.services[name];
      assert.equal(s.build?.context, ".");
      const file = s.build?.dockerfile ?? "";
      assert.ok(existsSync(path.join(ROOT, file)), `${file} exists`);
      const text = read(file);
      const env = dockerfileEnv(text);
      // NODE_ENV is Node's own, not an rf-edit setting.
      const { NODE_ENV, ...settings } = env;
      assert.equal(NODE_ENV, "production");
      for (const key of Object.keys(settings))
        assert.ok(SETTINGS.has(key), `${file}: ${key} is not a setting`);
      assert.equal(parseConfig(settings).role, role);
      // Node 20's npm 10 ignores package.json's allowScripts: the variable onnxruntime-node's install
      // script reads keeps its CUDA download out of `npm ci` (the worker adds it explicitly).
      assert.match(text, /RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev/);
      assert.match(text, /CMD \["node", "--import", "tsx", "src\/main\.ts"\]/);
      assert.ok(existsSync(path.join(ROOT, "src/main.ts")));
    });
  }

  it("bot: publishes the playground, Slack and metrics ports it listens on", () => {
    const bot = compose.services.bot;
    const config = parseConfig(bot.environment ?? {});
    const published = (bot.ports ?? []).map(containerPort).sort();
    assert.deepEqual(
      published,
      [config.playground.port, config.slack?.port ?? 3000, config.metricsPort].sort(),
    );
    assert.match(read("docker/bot.Dockerfile"), /^FROM node:20-bookworm-slim$/m);
    const playground = (bot.ports ?? []).find((p) => containerPort(p) === config.playground.port);
    assert.match(playground ?? "", /^127\.0\.0\.1:/, "the playground is not published beyond this host");
  });

  it("gpu-worker: reserves an NVIDIA GPU and runs on CUDA", () => {
    const w = compose.services["gpu-worker"];
    const devices = w.deploy?.resources?.reservations?.devices ?? [];
    assert.equal(devices.length, 1);
    assert.equal(devices[0].driver, "nvidia");
    assert.ok(devices[0].count === "all" || devices[0].count >= 1);
    assert.ok(devices[0].capabilities.includes("gpu"));
    assert.equal(parseConfig(w.environment ?? {}).model.executionProvider, "cuda");
  });

  it("gpu-worker: mounts the model folder read-only where MODEL_DIR points", () => {
    const w = compose.services["gpu-worker"];
    const modelDir = w.environment?.MODEL_DIR;
    assert.ok(modelDir);
    assert.equal(parseConfig(w.environment ?? {}).model.dir, modelDir);
    const mount = (w.volumes ?? []).find((v) => typeof v === "object" && v.target === modelDir);
    assert.ok(mount && typeof mount === "object", "a volume at MODEL_DIR");
    assert.equal(mount.read_only, true, "the model is mounted read-only");
  });

  it("gpu-worker image: CUDA 13 with cuDNN 9 runtime (what onnxruntime-node 1.30's CUDA provider links), Node 20, provider installed", () => {
    const text = read("docker/gpu-worker.Dockerfile");
    assert.match(text, /^FROM nvidia\/cuda:13\.[\d.]+-cudnn-runtime-ubuntu\d+\.\d+$/m);
    assert.match(text, /COPY --from=node:20-bookworm-slim \/usr\/local\/bin\/node /);
    assert.match(text, /npm run gpu:install-cuda/);
    const pkg = JSON.parse(read("package.json")) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    // The installer forces onnxruntime-node's own script on; it no longer passes a value it drops.
    assert.equal(pkg.scripts["gpu:install-cuda"], "tsx gpu-worker/tools/install-cuda-provider.ts");
    assert.match(pkg.dependencies["onnxruntime-node"], /^\^?1\.30\./, "the CUDA 13 build this image matches");
  });

  it(".dockerignore keeps secrets, models and node_modules out of the build context", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim());
    for (const entry of [".env", "node_modules", "models", ".git"]) assert.ok(ignored.includes(entry), entry);
  });
});
