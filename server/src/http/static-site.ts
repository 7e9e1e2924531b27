import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, Hono } from "hono";
import { adminShell, redirectKeepingLaunchParams } from "../shopify/embedded";
import type { StaticSite } from "../config";
import type { AppEnv } from "./context";

/** The built front ends, served by the same server: `pos-companion/dist` at /companion/, `admin/dist` at /admin/. */
export const SITES = [
  {
    mount: "/companion",
    dist: fileURLToPath(new URL("../../../pos-companion/dist", import.meta.url)),
    name: "companion",
  },
  { mount: "/admin", dist: fileURLToPath(new URL("../../../admin/dist", import.meta.url)), name: "admin" },
] as const;

/** Static files with a single-page-app fallback to index.html; a clear 503 when the site was not built. */
export function mountStaticSite(app: Hono<AppEnv>, site: StaticSite) {
  app.get(site.mount, (c) => redirectKeepingLaunchParams(c, `${site.mount}/`));
  // The embedded admin's shell carries the API key for App Bridge and a per-shop frame-ancestors policy.
  const shell = (c: Context<AppEnv>) => {
    const index = `${site.dist}/index.html`;
    if (!existsSync(index)) {
      return c.json(
        { error: "not_built", message: `the ${site.name} has not been built; run the product start command` },
        503,
      );
    }
    const html = readFileSync(index, "utf8");
    return site.name === "admin" ? adminShell(c, html) : c.html(html, 200, { "Cache-Control": "no-cache" });
  };
  for (const path of [`${site.mount}/`, `${site.mount}/index.html`]) app.get(path, shell);
  if (existsSync(site.dist))
    app.use(
      `${site.mount}/*`,
      serveStatic({
        root: site.dist,
        rewriteRequestPath: (path) => path.slice(site.mount.length) || "/",
        onFound: (path, c) => {
          // The service worker and the HTML shell must be revalidated; hashed assets can be cached for good.
          c.header("Cache-Control", /\/assets\//.test(path) ? "public, max-age=31536000, immutable" : "no-cache");
        },
      }),
    );
  app.get(`${site.mount}/*`, shell);
}
