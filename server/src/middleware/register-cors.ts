import { createMiddleware } from "hono/factory";
import { cors } from "hono/cors";

/**
 * Shopify POS runs UI extensions from Shopify's CDN origins ("Communicate with a server" in Shopify's POS
 * docs), so a register's call is cross-origin and the browser sends a preflight first. A preflight carries
 * no session token: it is answered here, before authentication, and only for these origins; any other
 * origin gets no CORS headers at all, so a browser refuses to hand it our answers.
 */
export const SHOPIFY_EXTENSION_ORIGINS = ["https://extensions.shopifycdn.com", "https://cdn.shopify.com"] as const;

/** The routes the register extension calls (see extensions/customer-360/src/api.ts). */
export const REGISTER_ROUTES = ["/api/pos/*", "/api/consents", "/api/consent-texts"] as const;

const shopifyCors = cors({
  origin: (origin) => origin,
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type"],
  maxAge: 600,
});

const isShopifyExtensionOrigin = (origin: string | undefined) =>
  (SHOPIFY_EXTENSION_ORIGINS as readonly string[]).includes(origin ?? "");

/** Hono's CORS for Shopify's extension origins; any other request passes on untouched (and is authenticated). */
export const registerCors = createMiddleware(async (c, next) => {
  if (!isShopifyExtensionOrigin(c.req.header("origin"))) return next();
  return shopifyCors(c, next);
});
