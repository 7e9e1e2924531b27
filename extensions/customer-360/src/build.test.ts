import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TARGETS = [
  "pos.home.tile.render",
  "pos.home.modal.render",
  "pos.customer-details.block.render",
  "pos.purchase.post.action.menu-item.render",
  "pos.purchase.post.action.render",
];

function runBuild(env: Record<string, string> = {}) {
  const { C360_APP_URL: _unset, ...inherited } = process.env;
  return spawnSync(process.execPath, ["scripts/build.mjs"], {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 170_000,
    env: { ...inherited, NODE_ENV: "production", ...env },
  });
}

describe("build (shopify app build, then each target's size)", () => {
  it("bundles every target offline, without a Shopify login, each under 64 KB gzip, with no app URL and no zod", () => {
    rmSync(resolve(packageDir, "dist"), { recursive: true, force: true });
    const run = runBuild();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const bundle = resolve(packageDir, "dist/customer-360.js");
    expect(existsSync(bundle)).toBe(true);
    const source = readFileSync(bundle);
    expect(gzipSync(source).length).toBeLessThan(64 * 1024);
    const text = source.toString("utf8");
    expect(text).not.toContain("ZodError");
    expect(text).not.toMatch(/https?:\/\/localhost/);
    // Preact, not React, renders the targets.
    expect(text).not.toContain("react-reconciler");
    for (const target of TARGETS) {
      const line = run.stdout.match(
        new RegExp(`target ${target.replace(/\./g, "\\.")}: [\\d.]+ KB raw, gzip [\\d.]+ KB \\((\\d+) bytes\\)`),
      );
      expect(line, `no size printed for ${target}:\n${run.stdout}`).not.toBeNull();
      expect(Number(line![1])).toBeLessThan(64 * 1024);
    }
  }, 180_000);

  it("refuses a production build that would call the server over plain HTTP, and says why", () => {
    const run = runBuild({ C360_APP_URL: "http://c360.example.com" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("C360_APP_URL must be https:// in a production build");
  });

  it("bakes an https C360_APP_URL in where one is configured", () => {
    rmSync(resolve(packageDir, "dist"), { recursive: true, force: true });
    const run = runBuild({ C360_APP_URL: "https://c360.example.com" });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(resolve(packageDir, "dist/customer-360.js"), "utf8")).toContain("https://c360.example.com");
  }, 180_000);
});
