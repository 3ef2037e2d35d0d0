#!/usr/bin/env node
// Node 20's test runner takes no glob patterns, so this finds the test files itself.
// Usage: node scripts/run-tests.mjs [folder-or-file ...]   (default: test/)
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

function collect(target, out) {
  const st = statSync(target);
  if (st.isFile()) {
    if (target.endsWith(".test.ts")) out.push(target);
    return;
  }
  for (const name of readdirSync(target).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    collect(path.join(target, name), out);
  }
}

const targets = process.argv.slice(2);
const files = [];
for (const t of targets.length ? targets : ["test"]) collect(t, files);
if (files.length === 0) {
  console.error(`no test files found under ${targets.join(", ") || "test"}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "1";
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
