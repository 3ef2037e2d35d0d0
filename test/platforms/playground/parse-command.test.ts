import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommand, parseEditArgs } from "../../../src/platforms/playground/parse-command.js";

describe("playground command parsing", () => {
  it("reads a trailing decimal or strength: as the strength, seed: as the seed", () => {
    assert.deepEqual(parseCommand("/edit make it winter 0.7"), {
      kind: "edit",
      prompt: "make it winter",
      strength: 0.7,
      seed: undefined,
    });
    assert.deepEqual(parseCommand("/edit strength:0.4 make it winter seed:42"), {
      kind: "edit",
      prompt: "make it winter",
      strength: 0.4,
      seed: 42,
    });
    assert.deepEqual(parseEditArgs("snowy .5"), { prompt: "snowy", strength: 0.5, seed: undefined });
  });

  it("keeps whole numbers in the prompt and passes bad strengths on for the core to answer", () => {
    assert.equal(parseEditArgs("add 2 cats").prompt, "add 2 cats");
    assert.equal(parseEditArgs("add 2 cats").strength, undefined);
    assert.equal(parseEditArgs("make it red strength:1.7").strength, 1.7);
  });

  it("tells commands from chat", () => {
    assert.deepEqual(parseCommand("/queue"), { kind: "queue" });
    assert.deepEqual(parseCommand("/help"), { kind: "help" });
    assert.deepEqual(parseCommand("hello /edit"), { kind: "chat", text: "hello /edit" });
    assert.deepEqual(parseCommand("/edit"), {
      kind: "edit",
      prompt: "",
      strength: undefined,
      seed: undefined,
    });
  });
});
