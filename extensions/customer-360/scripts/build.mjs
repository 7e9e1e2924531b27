// `pnpm run build`: Shopify CLI's own `shopify app build` (it bundles offline, without a Shopify login),
// then each target's size as POS loads it. POS UI extensions are limited to 64 KB of compressed
// JavaScript each from API 2025-10 on; this build fails above that, and our goal is 24 KB.
//
// The CLI bundles every target of the extension into one file (dist/customer-360.js). To report and
// limit each target on its own, each target module is also bundled alone with the CLI's esbuild
// settings (bundle, automatic JSX, minify, target es6, process.env.* defines, no legal comments).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const LIMIT_GZIP_BYTES = 64 * 1024;
export const GOAL_GZIP_BYTES = 24 * 1024;

const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(here, "../..");
const shopify = join(here, "node_modules/.bin/shopify");
const production = (process.env.NODE_ENV ?? "production") === "production";
const fail = (message) => {
  console.error(`build failed: ${message}`);
  process.exit(1);
};

// A URL baked in must be HTTPS: POS refuses plain HTTP, so an http:// build would ship a broken register.
const appUrl = process.env.C360_APP_URL ?? "";
if (appUrl) {
  let parsed;
  try {
    parsed = new URL(appUrl);
  } catch {
    fail(`C360_APP_URL "${appUrl}" is not a URL; leave it unset to use relative URLs (the app's application_url).`);
  }
  if (production && parsed.protocol !== "https:") {
    fail(`C360_APP_URL must be https:// in a production build (POS refuses other requests); got "${appUrl}".`);
  }
}

const env = {
  ...process.env,
  NODE_ENV: production ? "production" : process.env.NODE_ENV,
  SHOPIFY_CLI_NO_ANALYTICS: "1",
};
const run = spawnSync(shopify, ["app", "build", "--path", repoRoot, "--skip-dependencies-installation"], {
  cwd: here,
  stdio: "inherit",
  env,
});
if (run.status !== 0) fail(`shopify app build exited ${run.status ?? run.signal}`);

const bundle = join(here, "dist/customer-360.js");
if (!existsSync(bundle)) fail(`shopify app build reported success but ${bundle} is missing`);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const report = (label, bytes) => {
  const gzip = gzipSync(bytes).length;
  const verdict =
    gzip > LIMIT_GZIP_BYTES ? "OVER THE 64 KB LIMIT" : gzip > GOAL_GZIP_BYTES ? "over the 24 KB goal" : "ok";
  console.log(`${label}: ${kb(bytes.length)} raw, gzip ${kb(gzip)} (${gzip} bytes) ${verdict}`);
  if (/ZodError|\$ZodType/.test(bytes.toString("utf8")))
    fail(`${label} contains zod; import shared rules from entry points without it`);
  return gzip;
};
const sizes = {
  "dist/customer-360.js (all targets, as shopify app build ships it)": report(
    "bundle dist/customer-360.js",
    readFileSync(bundle),
  ),
};

const toml = readFileSync(join(here, "shopify.extension.toml"), "utf8");
const targets = [...toml.matchAll(/module = "([^"]+)"\s*\n\s*target = "([^"]+)"/g)].map((m) => ({
  module: m[1],
  target: m[2],
}));
if (targets.length === 0) fail("no [[extensions.targeting]] module/target pairs found in shopify.extension.toml");
const define = { "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development") };
if (appUrl) define["process.env.C360_APP_URL"] = JSON.stringify(appUrl);
for (const { module, target } of targets) {
  const out = await build({
    entryPoints: [join(here, module)],
    bundle: true,
    write: false,
    format: "esm",
    jsx: "automatic",
    minify: true,
    target: "es6",
    legalComments: "none",
    define,
    absWorkingDir: here,
  });
  sizes[target] = report(`target ${target}`, Buffer.from(out.outputFiles[0].contents));
}
const over = Object.entries(sizes).filter(([, gzip]) => gzip > LIMIT_GZIP_BYTES);
if (over.length) fail(`over Shopify's 64 KB gzip limit: ${over.map(([name]) => name).join(", ")}`);
