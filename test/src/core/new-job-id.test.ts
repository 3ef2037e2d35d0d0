import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newJobId } from "../../../src/core/edit-service.js";
import { parseControlId } from "../../../src/core/rerun-action.js";

describe("newJobId", () => {
  it("never looks like an integer (BullMQ refuses those as custom ids) and fits in a control id", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = newJobId();
      assert.notEqual(`${Number.parseInt(id, 10)}`, id);
      assert.match(id, /^[a-z0-9]{16}$/);
      assert.equal(parseControlId(`rf:stronger:${id}`)?.jobId, id);
      seen.add(id);
    }
    assert.equal(seen.size, 20_000);
  });
});
