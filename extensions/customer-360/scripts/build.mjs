// `pnpm run build`: Shopify CLI's own `shopify app build` (works without a login or network), then the
// bundle size POS will load. Fails with the CLI's exit code, so CI sees a broken build.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(here, "../..");
const shopify = join(here, "node_modules/.bin/shopify");

const run = spawnSync(shopify, ["app", "build", "--path", repoRoot, "--skip-dependencies-installation"], {
  cwd: here,
  stdio: "inherit",
  // The CLI bakes NODE_ENV into the bundle; under a test runner it is "test" and React ships its
  // development build (twice the size), so build what `shopify app deploy` ships.
  env: { ...process.env, NODE_ENV: "production", SHOPIFY_CLI_NO_ANALYTICS: "1", SHOPIFY_CLI_NO_UPDATE_CHECK: "1" },
});
if (run.status !== 0) {
  console.error(`shopify app build failed (exit ${run.status ?? run.signal})`);
  process.exit(run.status ?? 1);
}

const bundle = join(here, "dist/customer-360.js");
if (!existsSync(bundle)) {
  console.error(`shopify app build reported success but ${bundle} is missing`);
  process.exit(1);
}
const bytes = readFileSync(bundle);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`bundle dist/customer-360.js: ${kb(bytes.length)} (${bytes.length} bytes), gzip ${kb(gzipSync(bytes).length)}`);
