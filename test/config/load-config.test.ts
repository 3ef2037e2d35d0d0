import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ConfigError, editSteps, envSchema, misspelledSettings, parseConfig } from "../../config/index.js";

describe("parseConfig", () => {
  it("gives the documented defaults for an empty environment", () => {
    const c = parseConfig({});
    assert.equal(c.role, "all");
    assert.equal(c.redisUrl, "redis://127.0.0.1:6379");
    assert.equal(c.keyPrefix, "rf-edit");
    assert.equal(c.model.dir, undefined);
    assert.equal(c.model.executionProvider, "auto");
    assert.equal(c.discord, undefined);
    assert.equal(c.slack, undefined);
    assert.equal(c.playground.enabled, true);
    assert.equal(c.playground.port, 8080);
    assert.equal(c.metricsPort, 9464);
    assert.equal(c.rerunPolicy, "anyone");
    assert.deepEqual(c.defaults, {
      steps: undefined,
      strength: 0.5,
      sampler: "sde",
      solver: "midpoint",
      inversionSteps: undefined,
      gamma: 0.5,
      eta: 0.9,
      guidance: 3.5,
      inversionSeed: 0,
    });
  });

  it("treats empty strings as unset, as .env files write them", () => {
    const c = parseConfig({ MODEL_DIR: "", DISCORD_TOKEN: "", PLAYGROUND_PORT: "" });
    assert.equal(c.model.dir, undefined);
    assert.equal(c.discord, undefined);
    assert.equal(c.playground.port, 8080);
  });

  it("names every wrong variable and what it allows", () => {
    assert.throws(
      () =>
        parseConfig({
          ROLE: "boss",
          PLAYGROUND_PORT: "eighty",
          RATE_LIMIT_BURST: "0",
          REDIS_URL: "http://x",
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /ROLE \(got "boss"\): must be one of "all", "bot", "worker"/);
        assert.match(err.message, /PLAYGROUND_PORT \(got "eighty"\): must be a number/);
        assert.match(err.message, /RATE_LIMIT_BURST \(got "0"\): must be at least 1/);
        assert.match(err.message, /REDIS_URL .*redis:\/\//);
        assert.equal(err.problems.length, 4);
        return true;
      },
    );
  });

  it("turns on Discord and Slack only with their tokens, and the playground only without both", () => {
    const c = parseConfig({ DISCORD_TOKEN: "abc", SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
    assert.equal(c.discord?.token, "abc");
    assert.deepEqual(c.discord?.attachmentHosts, ["cdn.discordapp.com", "media.discordapp.net"]);
    assert.equal(c.slack?.botToken, "xoxb-1");
    assert.equal(c.slack?.port, 3000);
    assert.equal(c.playground.enabled, false);
  });

  it("requires a way for Slack to reach the bot", () => {
    assert.throws(
      () => parseConfig({ SLACK_BOT_TOKEN: "xoxb-1" }),
      /SLACK_SIGNING_SECRET or SLACK_APP_TOKEN/,
    );
    assert.throws(() => parseConfig({ SLACK_SIGNING_SECRET: "s" }), /SLACK_BOT_TOKEN: required/);
    assert.throws(
      () => parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xoxb-2" }),
      /SLACK_APP_TOKEN: must be an app-level token/,
    );
  });

  it("lets Slack's file hosts follow SLACK_API_URL for other clouds, unless set", () => {
    const gov = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
      SLACK_API_URL: "https://slack-gov.com/api/",
    });
    assert.ok(gov.slack?.fileHosts.includes("files.slack-gov.com"));
    assert.ok(!gov.slack?.fileHosts.includes("files.slack.com"));
    const own = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
      SLACK_FILE_HOSTS: "127.0.0.1, Files.Example.com",
    });
    assert.deepEqual(own.slack?.fileHosts, ["127.0.0.1", "files.example.com"]);
  });

  it("never derives Slack file hosts wider than the API's own domain", () => {
    const slack = (url: string) =>
      parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: url }).slack
        ?.fileHosts;
    // Once this gave example.com and files.example.com: every host of the parent domain.
    assert.deepEqual(slack("https://api.example.com/api/"), ["api.example.com", "files.api.example.com"]);
    assert.deepEqual(slack("https://slack-gov.com/api/"), ["slack-gov.com", "files.slack-gov.com"]);
    // A port on the API URL stays on the derived hosts: the allow-list checks ports too.
    assert.deepEqual(slack("https://proxy.corp:8443/api/"), ["proxy.corp:8443", "files.proxy.corp:8443"]);
  });

  it("parses host lists", () => {
    const c = parseConfig({ DISCORD_TOKEN: "t", DISCORD_ATTACHMENT_HOSTS: "127.0.0.1 , cdn.discordapp.com" });
    assert.deepEqual(c.discord?.attachmentHosts, ["127.0.0.1", "cdn.discordapp.com"]);
  });
});

describe(".env.example", () => {
  it("documents every setting of the schema", () => {
    const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const documented = new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    for (const key of Object.keys(envSchema.shape)) {
      assert.ok(documented.has(key), `${key} is missing from .env.example`);
    }
    for (const key of documented) {
      assert.ok(key in envSchema.shape, `${key} in .env.example is not a setting`);
    }
  });

  it("shows each editing default as the schema has it", () => {
    const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const documented = Object.fromEntries(
      [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    const defaults = envSchema.parse({});
    for (const key of [
      "DEFAULT_STEPS",
      "DEFAULT_STRENGTH",
      "DEFAULT_SAMPLER",
      "DEFAULT_SOLVER",
      "INVERSION_STEPS",
      "DEFAULT_GAMMA",
      "DEFAULT_ETA",
      "DEFAULT_GUIDANCE",
      "INVERSION_SEED",
    ] as const) {
      assert.deepEqual(
        envSchema.parse({ [key]: documented[key] })[key],
        defaults[key],
        `${key}=${documented[key]} in .env.example is not the default`,
      );
    }
  });
});

describe("editSteps", () => {
  const unset = { steps: undefined, inversionSteps: undefined };

  it("gives the midpoint ODE 10 steps each way, the SDE 28 after a 10-step midpoint inversion", () => {
    assert.deepEqual(editSteps(unset, { sampler: "ode", solver: "midpoint" }), {
      steps: 10,
      inversionSteps: 10,
    });
    assert.deepEqual(editSteps(unset, { sampler: "sde", solver: "midpoint" }), {
      steps: 28,
      inversionSteps: 10,
    });
    assert.deepEqual(editSteps(unset, { sampler: "sde", solver: "euler" }), {
      steps: 28,
      inversionSteps: 28,
    });
    assert.deepEqual(editSteps(unset, { sampler: "ode", solver: "euler" }), {
      steps: 28,
      inversionSteps: 28,
    });
  });

  it("lets a request's counts win over the settings, and the settings over the choice by solver", () => {
    const set = { steps: 20, inversionSteps: 12 };
    assert.deepEqual(editSteps(set, { sampler: "ode", solver: "midpoint" }), {
      steps: 20,
      inversionSteps: 12,
    });
    assert.deepEqual(editSteps(set, { sampler: "ode", solver: "midpoint", steps: 6, inversionSteps: 7 }), {
      steps: 6,
      inversionSteps: 7,
    });
    // The inversion follows the edit's count, and under the SDE never takes more than 10 midpoint steps.
    assert.deepEqual(editSteps(unset, { sampler: "ode", solver: "midpoint", steps: 16 }), {
      steps: 16,
      inversionSteps: 16,
    });
    assert.deepEqual(
      editSteps({ steps: 4, inversionSteps: undefined }, { sampler: "sde", solver: "midpoint" }),
      {
        steps: 4,
        inversionSteps: 4,
      },
    );
  });
});

describe("misspelledSettings", () => {
  it("names the setting a misspelled variable most likely meant", () => {
    assert.deepEqual(
      misspelledSettings({
        LOG_LEVL: "debug",
        MODELDIR: "/models",
        REDIS_HOST: "10.0.0.2",
        DISCORD_BOT_TOKEN: "t",
        MAX_QUEUE_LENGHT: "5",
      }),
      [
        { name: "DISCORD_BOT_TOKEN", suggestion: "DISCORD_TOKEN" },
        { name: "LOG_LEVL", suggestion: "LOG_LEVEL" },
        { name: "MAX_QUEUE_LENGHT", suggestion: "MAX_QUEUE_LENGTH" },
        { name: "MODELDIR", suggestion: "MODEL_DIR" },
        { name: "REDIS_HOST", suggestion: "REDIS_URL" },
      ],
    );
  });

  it("leaves our own settings and the usual environment alone", () => {
    const usual = {
      PATH: "/usr/bin",
      HOME: "/root",
      USER: "rf",
      LANG: "C.UTF-8",
      TERM: "xterm",
      SHELL: "/bin/sh",
      HOSTNAME: "box",
      NODE_ENV: "production",
      NODE_OPTIONS: "",
      PWD: "/app",
      TZ: "UTC",
      CUDA_VISIBLE_DEVICES: "0",
      LOG_LEVEL: "info",
      MODEL_DIR: "/m",
      ROLE: "bot",
      npm_config_cache: "/tmp",
    };
    assert.deepEqual(misspelledSettings(usual), []);
  });
});
