import type { Context } from "hono";
import type { AppEnv } from "../http/context";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * Shopify's required header for an embedded app: only the shop's admin and admin.shopify.com may frame
 * it. The shop comes from Shopify's launch parameters (`?shop=`); without a valid one nobody may frame it.
 */
export function frameAncestors(shopParam: string | undefined): string {
  const shop = shopParam?.trim().toLowerCase();
  return shop && SHOP_DOMAIN.test(shop)
    ? `frame-ancestors https://${shop} https://admin.shopify.com;`
    : "frame-ancestors 'none';";
}

/** The admin's HTML shell with the app's client ID for App Bridge (`<meta name="shopify-api-key">`). */
export function withApiKey(html: string, apiKey: string | undefined): string {
  return html.replaceAll("%SHOPIFY_API_KEY%", (apiKey ?? "").replace(/[^A-Za-z0-9_-]/g, ""));
}

/** Serves the admin shell: API key filled in, CSP frame-ancestors for the shop, never cached. */
export function adminShell(c: Context<AppEnv>, html: string) {
  return c.html(withApiKey(html, c.var.deps.config.apiKey), 200, {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": frameAncestors(c.req.query("shop")),
  });
}

/** `/` → `/admin/` with Shopify's launch parameters (shop, host, embedded, id_token …) kept. */
export function redirectKeepingLaunchParams(c: Context<AppEnv>, to: string) {
  const search = new URL(c.req.url).search;
  return c.redirect(`${to}${search}`);
}
