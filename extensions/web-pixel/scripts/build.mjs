// `pnpm run build`: bundles the pixel as Shopify CLI does for a web pixel extension (esbuild, one ESM
// file, minified) and reports its size. A pixel loads on every storefront page of every visitor, so it
// is kept tiny: this build fails above 16 KB gzip, and the goal is 4 KB. `shopify app build` builds it
// too, with the app's other extensions.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const LIMIT_GZIP_BYTES = 16 * 1024;
export const GOAL_GZIP_BYTES = 4 * 1024;

const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = await build({
  entryPoints: [join(here, "src/index.ts")],
  bundle: true,
  write: false,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none",
  absWorkingDir: here,
});
const bytes = Buffer.from(out.outputFiles[0].contents);
mkdirSync(join(here, "dist"), { recursive: true });
writeFileSync(join(here, "dist/web-pixel.js"), bytes);
const gzip = gzipSync(bytes).length;
const verdict = gzip > LIMIT_GZIP_BYTES ? "OVER THE 16 KB LIMIT" : gzip > GOAL_GZIP_BYTES ? "over the 4 KB goal" : "ok";
console.log(
  `web pixel dist/web-pixel.js: ${(bytes.length / 1024).toFixed(1)} KB raw, ` +
    `gzip ${(gzip / 1024).toFixed(1)} KB (${gzip} bytes) ${verdict}`,
);
if (/ZodError|\$ZodType/.test(bytes.toString("utf8"))) {
  console.error("build failed: the pixel bundles zod; the server validates, the pixel must not carry a schema library");
  process.exit(1);
}
if (gzip > LIMIT_GZIP_BYTES) {
  console.error(`build failed: ${gzip} bytes gzip is over the ${LIMIT_GZIP_BYTES} byte limit`);
  process.exit(1);
}
