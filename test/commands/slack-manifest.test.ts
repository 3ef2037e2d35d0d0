import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";
import {
  SLACK_BOT_SCOPES,
  SLACK_COMMAND,
  SLACK_EVENTS,
  SLACK_MANIFEST_PATH,
  SLACK_SHORTCUT,
  SLACK_SHORTCUT_NAME,
} from "../../commands/slack-commands.js";

interface SlashCommand {
  command: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
  url?: string;
}

interface Manifest {
  display_information: { name: string; description: string };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }>;
    slash_commands: SlashCommand[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

const text = readFileSync(SLACK_MANIFEST_PATH, "utf8");
const manifest = parse(text) as Manifest;

/** Which scope Slack requires before it delivers each bot event. */
const SCOPE_FOR_EVENT: Record<string, string> = {
  app_mention: "app_mentions:read",
  reaction_added: "reactions:read",
};

describe("Slack app manifest", () => {
  test("names the app and its bot user rf-edit", () => {
    assert.equal(manifest.display_information.name, "rf-edit");
    assert.equal(manifest.features.bot_user.display_name, "rf-edit");
  });

  test("requests exactly the bot scopes the app needs", () => {
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [...SLACK_BOT_SCOPES].sort());
  });

  test("declares the 'Edit image' message shortcut with the callback id the app listens to", () => {
    assert.deepEqual(
      manifest.features.shortcuts.map((s) => [s.name, s.type, s.callback_id]),
      [[SLACK_SHORTCUT_NAME, "message", SLACK_SHORTCUT.editImage]],
    );
  });

  test("declares /edit with its usage hint, /edit-queue and /edit-cancel, valid for Slack", () => {
    const commands = manifest.features.slash_commands;
    assert.deepEqual(commands.map((c) => c.command).sort(), Object.values(SLACK_COMMAND).sort());
    const edit = commands.find((c) => c.command === SLACK_COMMAND.edit)!;
    assert.equal(edit.usage_hint, "<prompt> [strength]");
    for (const c of commands) {
      // Slack: lower-case, a leading slash, at most 32 characters, and a description.
      assert.match(c.command, /^\/[a-z0-9_-]{1,31}$/);
      assert.ok(c.description.length > 0 && c.description.length <= 2000, c.command);
    }
  });

  test("subscribes to the events the app handles, each with the scope Slack requires", () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    assert.deepEqual([...events].sort(), [...SLACK_EVENTS].sort());
    for (const event of events)
      assert.ok(manifest.oauth_config.scopes.bot.includes(SCOPE_FOR_EVENT[event]), event);
    // Slash commands and shortcuts are only delivered with the commands scope.
    assert.ok(manifest.oauth_config.scopes.bot.includes("commands"));
  });

  test("turns interactivity on and Socket Mode on by default", () => {
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.equal(manifest.settings.socket_mode_enabled, true);
    assert.equal(manifest.settings.event_subscriptions.request_url, undefined);
  });

  test("following its HTTP instructions gives every command, event and interaction a request URL", () => {
    const http = parse(
      text
        .replace(/# (url|request_url): /g, "$1: ")
        .replace(/YOUR-HOST/g, "bot.example.org")
        .replace("socket_mode_enabled: true", "socket_mode_enabled: false"),
    ) as Manifest;
    const url = "https://bot.example.org/slack/events";
    assert.equal(http.settings.socket_mode_enabled, false);
    assert.equal(http.settings.event_subscriptions.request_url, url);
    assert.equal(http.settings.interactivity.request_url, url);
    for (const c of http.features.slash_commands) assert.equal(c.url, url, c.command);
    assert.deepEqual(http.oauth_config, manifest.oauth_config);
  });
});
