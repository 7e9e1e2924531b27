#!/usr/bin/env node
// Runs every package's vitest suite one after another (the machine has two cores) and ends with one
// plain summary line, "tests: N passed, N failed", that CI reads.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureChromium } from "./ensure-chromium.mjs";

const root = new URL("..", import.meta.url).pathname;
const workspace = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
const patterns = [...workspace.matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((m) => m[1]).filter((p) => !p.includes("esbuild"));
const dirs = patterns.flatMap((p) => {
  if (!p.endsWith("/*")) return [p];
  const base = p.slice(0, -2);
  return existsSync(join(root, base))
    ? spawnSync("ls", [join(root, base)], { encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean)
        .map((d) => `${base}/${d}`)
    : [];
});
const packages = dirs.filter((d) => {
  const file = join(root, d, "package.json");
  return existsSync(file) && JSON.parse(readFileSync(file, "utf8")).scripts?.test;
});

// Before any suite runs, so a missing browser is one clear line rather than a failure minutes in.
if (!ensureChromium()) process.exit(1);

const out = mkdtempSync(join(tmpdir(), "c360-tests-"));
let passed = 0;
let failed = 0;
const broken = [];
for (const dir of packages) {
  const report = join(out, `${dir.replaceAll("/", "_")}.json`);
  console.log(`\n=== ${dir} ===`);
  const run = spawnSync(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    {
      cwd: join(root, dir),
      stdio: "inherit",
      env: process.env,
    },
  );
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    if (r.numTotalTestSuites > 0 && r.numFailedTestSuites > 0 && r.numFailedTests === 0)
      broken.push(`${dir} (a test file failed to load)`);
  }
  if (run.status !== 0) broken.push(dir);
}
console.log(`\npackages tested: ${packages.join(", ")}`);
if (broken.length) console.log(`failing: ${[...new Set(broken)].join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(broken.length || failed ? 1 : 0);
