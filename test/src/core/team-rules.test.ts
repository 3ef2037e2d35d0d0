import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { progressText } from "../../../src/core/messages.js";
import { actionFromEmoji } from "../../../src/core/rerun-action.js";
import {
  applyPatch,
  parseSettingsText,
  settingsAnnouncement,
} from "../../../src/core/team/channel-settings.js";
import { historyLine } from "../../../src/core/team/history-line.js";
import { strengthLadder } from "../../../src/core/team/strength-ladder.js";
import { parseTeamControlId, teamReaction } from "../../../src/core/team/team-controls.js";
import type { EditJob } from "../../../src/queue/job-schemas.js";

describe("team editing rules", () => {
  it("tries four distinct strengths around the current one, clamped to 0..1", () => {
    assert.deepEqual(strengthLadder(0.5), [0.25, 0.5, 0.75, 1]);
    assert.deepEqual(strengthLadder(1), [0.25, 0.5, 0.75, 1]);
    assert.deepEqual(strengthLadder(0), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(strengthLadder(0.6), [0.35, 0.6, 0.85, 1]);
    assert.deepEqual(strengthLadder(0.9), [0.4, 0.65, 0.9, 1]);
    for (let s = 0; s <= 1; s += 0.05) {
      const ladder = strengthLadder(Math.round(s * 100) / 100);
      assert.equal(new Set(ladder).size, 4, `four distinct at ${s}`);
      assert.ok(ladder.every((x) => x >= 0 && x <= 1));
    }
  });

  it("reads number reactions by message kind: a tile on a grid, a strength on a result", () => {
    assert.deepEqual(teamReaction("3️⃣", "grid"), { kind: "pick-tile", tile: 3 });
    assert.deepEqual(teamReaction("three", "grid"), { kind: "pick-tile", tile: 3 });
    assert.equal(teamReaction("5️⃣", "grid"), null);
    assert.equal(teamReaction("3️⃣", "result"), null, "on a result 3️⃣ stays a strength");
    assert.deepEqual(actionFromEmoji("3️⃣"), { kind: "strength", value: 0.3 });
    assert.deepEqual(teamReaction("↔️", "result"), { kind: "compare" });
    assert.deepEqual(teamReaction("left_right_arrow", "result"), { kind: "compare" });
    assert.deepEqual(teamReaction("🎚️", "result"), { kind: "try-strengths" });
    assert.deepEqual(teamReaction("level_slider", "result"), { kind: "try-strengths" });
    assert.equal(teamReaction("↔️", "grid"), null);
    assert.equal(teamReaction("🎚️", "other"), null);
  });

  it("parses button ids and refuses anything else", () => {
    assert.deepEqual(parseTeamControlId("rf:pick-2:jabc"), {
      action: { kind: "pick-tile", tile: 2 },
      jobId: "jabc",
    });
    assert.deepEqual(parseTeamControlId("rf:compare:j1"), { action: { kind: "compare" }, jobId: "j1" });
    assert.equal(parseTeamControlId("rf:pick-5:j1"), null);
    assert.equal(parseTeamControlId("rf:weaker:j1"), null);
  });

  it("parses settings, says what is wrong, and announces real changes in one line", () => {
    assert.deepEqual(parseSettingsText("strength=0.6 sampler ode try-strengths=off rerun=default"), {
      strength: 0.6,
      sampler: "ode",
      tryStrengths: false,
      rerun: null,
    });
    assert.throws(() => parseSettingsText("strength=2"), /number from 0 to 1/);
    assert.throws(() => parseSettingsText("colour=red"), /don't know the setting "colour"/);
    const { next, changed } = applyPatch(
      { strength: 0.5, rerun: "requester" },
      { strength: 0.6, sampler: "ode", rerun: null },
    );
    assert.deepEqual(next, { strength: 0.6, sampler: "ode" });
    assert.deepEqual(changed, ["strength", "sampler", "rerun"]);
    assert.equal(
      settingsAnnouncement("ann", next, changed),
      "⚙️ @ann set the default strength to 0.6, the default sampler to ode and who may re-run to the bot's default.",
    );
    assert.deepEqual(applyPatch({ strength: 0.6 }, { strength: 0.6 }).changed, []);
  });

  it("says who asked and from what", () => {
    const job = (over: Partial<EditJob>): EditJob =>
      ({
        v: 1,
        jobId: "j1",
        kind: "rerun",
        origin: { platform: "discord", workspaceId: "g", channelId: "c", userId: "u", userName: "bob" },
        imageKey: "a".repeat(64),
        spec: { prompt: "add snow", strength: 0.6 },
        requestedAt: 0,
        ...over,
      }) as EditJob;
    assert.equal(
      historyLine(job({ via: { action: "stronger", fromStrength: 0.5 } })),
      "➕ by @bob from strength 0.5",
    );
    assert.equal(
      historyLine(job({ kind: "chain", via: { action: "edit-again" } })),
      "Edit again by @bob: 'add snow'",
    );
    assert.equal(historyLine(job({ kind: "new" })), "Asked by @bob");
    assert.equal(
      historyLine(job({ via: { action: "tile", tile: 3 } })),
      "3️⃣ picked by @bob from the Try strengths grid",
    );
  });

  it("shows progress across the passes of Try strengths", () => {
    assert.equal(
      progressText({ phase: "editing", step: 3, total: 10, pass: 2, passes: 4 }),
      "🎨 Editing 3/10… (strength 2 of 4)",
    );
    assert.equal(progressText({ phase: "editing", step: 3, total: 10 }), "🎨 Editing 3/10…");
  });
});
