import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

describe("build", () => {
  it("bundles the pixel under 16 KB gzip (goal 4 KB), without zod", () => {
    const run = spawnSync(process.execPath, ["scripts/build.mjs"], {
      cwd: packageDir,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const bundle = readFileSync(resolve(packageDir, "dist/web-pixel.js"));
    const gzip = gzipSync(bundle).length;
    expect(gzip).toBeLessThan(16 * 1024);
    expect(run.stdout).toMatch(/web pixel dist\/web-pixel\.js: [\d.]+ KB raw, gzip [\d.]+ KB \(\d+ bytes\)/);
    expect(bundle.toString("utf8")).not.toContain("ZodError");
    // it subscribes to checkout_completed and posts to the pixel endpoint
    expect(bundle.toString("utf8")).toContain("checkout_completed");
    expect(bundle.toString("utf8")).toContain("/pixel/events");
  });
});
