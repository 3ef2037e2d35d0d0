import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnrecoverableError } from "bullmq";
import { WORKER_FAILED, WORKER_STALLED } from "../../../src/core/messages.js";
import { OpsMetrics } from "../../../src/ops/metrics.js";
import { failureNotice } from "../../../src/queue/failure-notice.js";

describe("failureNotice", () => {
  it("never shows BullMQ's own reasons, and does not count them as bad input", async () => {
    // The exact sentence BullMQ's moveStalledJobsToWait script writes, failed by its Worker as an
    // UnrecoverableError once a job has stalled more than maxStalledCount times.
    const stalled = new UnrecoverableError("job stalled more than allowable limit");
    assert.deepEqual(failureNotice(stalled), { code: "worker_failed", userMessage: WORKER_STALLED });
    const metrics = new OpsMetrics();
    metrics.jobFailed({ attemptsMade: 1, opts: { attempts: 3 } }, stalled);
    const text = await metrics.registry.metrics();
    assert.match(text, /rf_edit_failures_total\{reason="worker_failed"\} 1/);
    assert.doesNotMatch(text, /reason="bad_input"/);
  });

  it("shows the worker's own sentences for bad input, and hides crashes and malformed payloads", () => {
    const expired = new UnrecoverableError(
      "The image for this edit has expired from storage. Upload it again.",
    );
    assert.deepEqual(failureNotice(expired), { code: "bad_input", userMessage: expired.message });
    assert.deepEqual(failureNotice(new Error("CUDA error: an illegal memory access")), {
      code: "worker_failed",
      userMessage: WORKER_FAILED,
    });
    assert.equal(
      failureNotice(new UnrecoverableError("malformed edit job: v: bad")).userMessage,
      WORKER_FAILED,
    );
    assert.equal(failureNotice(undefined).userMessage, WORKER_FAILED);
  });
});
