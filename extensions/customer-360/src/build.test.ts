import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

describe("shopify app build", () => {
  it("bundles the extension offline, without a Shopify login, under 64 KB compressed", () => {
    rmSync(resolve(packageDir, "dist"), { recursive: true, force: true });
    const run = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: packageDir, encoding: "utf8", timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bundle dist\/customer-360\.js: [\d.]+ KB .* gzip [\d.]+ KB/);
    const bundle = resolve(packageDir, "dist/customer-360.js");
    expect(existsSync(bundle)).toBe(true);
    const source = readFileSync(bundle);
    // 64 KB compressed is Shopify's limit from 2025-10 on; staying under it keeps the Preact port a views-only change.
    expect(gzipSync(source).length).toBeLessThan(64 * 1024);
    // zod is used for types only in the register: its runtime (and locales) must not be bundled.
    expect(source.toString("utf8")).not.toContain("ZodError");
    for (const target of ["pos.home.tile.render", "pos.home.modal.render", "pos.customer-details.block.render", "pos.purchase.post.action.render"]) {
      expect(source.toString("utf8")).toContain(target);
    }
  }, 120_000);
});
