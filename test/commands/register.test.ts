import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { discordCommands } from "../../commands/discord-commands.js";
import { registerDiscordCommands } from "../../commands/discord-registrar.js";
import { runRegisterCli } from "../../commands/register.js";
import { parseConfig } from "../../config/index.js";
import { FakeDiscord } from "../fakes/discord/index.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkE0.register-test-token-000000000000000";

function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runRegisterCli({
    argv,
    config: () => parseConfig(env),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return code.then((c) => ({ code: c, out: out.join(""), err: err.join("") }));
}

describe("Discord command definitions", () => {
  it("define /edit with its options and limits, the context menu, /edit-queue and /edit-cancel", () => {
    // As sent on the wire: JSON drops the builders' undefined fields.
    const wire = JSON.parse(JSON.stringify(discordCommands)) as Array<{
      name: string;
      type?: number;
      options?: Array<Record<string, unknown>>;
    }>;
    const byName = new Map(wire.map((c) => [c.name, c]));
    assert.deepEqual([...byName.keys()], ["edit", "Edit image", "edit-queue", "edit-cancel"]);
    const options = new Map((byName.get("edit")?.options ?? []).map((o) => [o.name, o]));
    // The image is optional (a bare /edit takes the newest one), so it follows the required prompt.
    assert.deepEqual(options.get("image"), {
      name: "image",
      description: "The image to edit (default: the newest image in this thread or channel)",
      required: false,
      type: 11,
    });
    assert.deepEqual(
      (byName.get("edit")?.options ?? []).map((o) => o.name),
      ["prompt", "image", "strength", "seed"],
    );
    assert.equal(options.get("prompt")?.type, 3);
    assert.equal(options.get("prompt")?.required, true);
    assert.equal(options.get("prompt")?.max_length, 1000);
    assert.deepEqual(
      [options.get("strength")?.type, options.get("strength")?.min_value, options.get("strength")?.max_value],
      [10, 0, 1],
    );
    assert.deepEqual(
      [options.get("seed")?.type, options.get("seed")?.min_value, options.get("seed")?.max_value],
      [4, 0, 2147483647],
    );
    assert.equal(byName.get("Edit image")?.type, 3);
    const cancelOptions = byName.get("edit-cancel")?.options ?? [];
    assert.equal(cancelOptions[0]?.name, "job");
    assert.notEqual(cancelOptions[0]?.required, true);
  });
});

describe("commands:register against the fake Discord", () => {
  let fake: FakeDiscord;

  before(async () => {
    fake = await FakeDiscord.start({ token: TOKEN });
  });

  after(async () => {
    await fake.close();
  });

  it("registers to one guild, asking Discord for the application id when it is not configured", async () => {
    const since = fake.mark();
    const result = await registerDiscordCommands({
      token: TOKEN,
      guildId: fake.guildId,
      apiUrl: fake.apiUrl,
    });
    assert.equal(result.scope, "guild");
    assert.equal(result.applicationId, fake.applicationId);
    await fake.waitForRequest((r) => r.method === "GET" && r.path === "/applications/@me", 2000, {
      sinceSeq: since,
    });
    const put = await fake.waitForRequest((r) => r.method === "PUT", 2000, { sinceSeq: since });
    assert.equal(put.path, `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    assert.equal(put.status, 200, "the fake accepted the definitions under Discord's validation rules");
    assert.deepEqual(put.body, JSON.parse(JSON.stringify(discordCommands)));
    assert.deepEqual(
      fake.commands(fake.guildId).map((c) => c.name),
      ["edit", "Edit image", "edit-queue", "edit-cancel"],
    );
    assert.deepEqual(fake.commands(), [], "nothing was registered globally");
  });

  it("registers globally through the CLI when no guild is set, with the configured application id", async () => {
    const since = fake.mark();
    const { code, out } = await cli([], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    assert.equal(code, 0);
    assert.match(out, /registered 4 global commands/);
    const requests = fake.findRequests((r) => r.seq > since);
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      [`PUT /applications/${fake.applicationId}/commands`],
    );
    assert.deepEqual(requests[0].body, JSON.parse(JSON.stringify(discordCommands)));
    assert.equal(fake.commands().length, 4);
  });

  it("says plainly what to set when DISCORD_TOKEN is missing, and exits non-zero", async () => {
    const { code, out, err } = await cli([], {});
    assert.equal(code, 1);
    assert.equal(out, "");
    assert.match(err, /DISCORD_TOKEN is not set/);
    assert.match(err, /--print/);
  });

  it("prints the definitions without credentials", async () => {
    const { code, out } = await cli(["--print", "discord"], {});
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(discordCommands)));
  });

  it("reports a registration Discord rejects, without the token", async () => {
    const { code, err } = await cli(["discord"], {
      DISCORD_TOKEN: "wrong-token-value-1234567890",
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    assert.equal(code, 1);
    assert.match(err, /discord: registration failed: .*401/);
  });
});
