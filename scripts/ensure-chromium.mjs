// The browser suites drive Debian's Chromium through playwright-core (a Playwright browser download cannot
// work on these machines). Where it is missing and we may install it (root with apt), install it; otherwise
// say in one line what to install and stop before any browser suite runs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(path)) return true;
  const root = process.getuid?.() === 0;
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" }).status === 0;
  if (root && apt && !process.env.CHROMIUM_PATH) {
    console.log("tests: Chromium is missing; installing Debian's chromium package for the browser tests");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const install =
      update.status === 0 && spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
    if (install && install.status === 0 && existsSync(path)) return true;
  }
  console.error(
    `tests: the browser tests need Chromium at ${path}: install Debian's package (sudo apt-get install chromium) ` +
      "or set CHROMIUM_PATH to a Chromium binary, then run npm test again",
  );
  return false;
}
