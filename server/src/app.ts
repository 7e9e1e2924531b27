import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "./http/errors";
import type { AppDeps, AppEnv } from "./http/context";
import { deviceAuth } from "./middleware/device-auth";
import { onError } from "./middleware/errors";
import { mountStaticSite, SITES } from "./http/static-site";
import { registerCors, REGISTER_ROUTES } from "./middleware/register-cors";
import { requestLog } from "./middleware/request-log";
import { DEFAULT_RATE_LIMITS } from "./config";
import { pairingRateLimit, rateLimit } from "./middleware/rate-limit";
import { sessionAuth } from "./middleware/session-auth";
import { consentRoutes } from "./routes/consents";
import { gateRoutes } from "./routes/gate";
import { gdprRoutes } from "./routes/gdpr";
import { enrichmentRoutes } from "./routes/enrichment";
import { identityRoutes } from "./routes/identity";
import { deviceRoutes } from "./routes/devices";
import { posRoutes } from "./routes/pos";
import { redemptionRoutes } from "./routes/redemptions";
import { profileRoutes } from "./routes/profiles";
import { syncRoutes } from "./routes/sync";
import { settingsRoutes } from "./routes/settings";
import { webhookAdminRoutes } from "./routes/webhook-admin";
import { webhookRoutes } from "./routes/webhooks";
import { dashboardRoutes } from "./routes/dashboard";
import { messagingEventRoutes, messagingKeyRoutes } from "./routes/messaging";
import { pixelRoutes } from "./routes/pixel";
import { shopifyRoutes } from "./shopify/routes";
import { redirectKeepingLaunchParams } from "./shopify/embedded";

/** Runs a middleware inside another's `next`, keeping the response it may answer with (e.g. a 429). */
async function thenRespond(c: Context<AppEnv>, result: Promise<Response | void>): Promise<void> {
  const response = await result;
  if (response) c.res = response;
}

/** A customer backfill takes a shop's export in parts of ~40,000 customers; larger exports go through the CLI. */
export const BODY_LIMITS = {
  pixel: 32 * 1024,
  webhook: 1024 * 1024,
  api: 256 * 1024,
  sync: 8 * 1024 * 1024,
  backfill: 16 * 1024 * 1024,
} as const;

const tooLarge = (limit: number) => () => {
  throw new HttpError(413, "body_too_large", `request body is larger than ${Math.round(limit / 1024)} KiB`);
};
/**
 * Hono's bodyLimit, with the two cheap cases answered first: GET and HEAD carry no body, and a declared
 * Content-Length is checked as bodyLimit would. Touching the body makes @hono/node-server build a full
 * Fetch Request, which on a register lookup cost more than the route itself.
 */
const limit = (maxSize: number): MiddlewareHandler<AppEnv> => {
  const streamed = bodyLimit({ maxSize, onError: tooLarge(maxSize) });
  return (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    if (Number.parseInt(length, 10) > maxSize) tooLarge(maxSize)();
    return next();
  };
};

/** The whole HTTP surface, in one readable list: middleware first, then routes. */
export function buildApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound((c) => c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use("*", requestLog);

  app.get("/healthz", (c) => c.json({ ok: true, database: deps.db.kind }));
  app.get("/", (c) => redirectKeepingLaunchParams(c, "/admin/"));
  for (const site of deps.config.sites ?? SITES) mountStaticSite(app, site);

  app.use("/webhooks/*", limit(BODY_LIMITS.webhook));
  app.route("/webhooks", webhookRoutes);

  // Public signal endpoints, outside /api's session auth: the storefront pixel, and messaging tools with an API key.
  const signalLimits = deps.config.rateLimits ?? DEFAULT_RATE_LIMITS;
  app.use("/pixel/*", limit(BODY_LIMITS.pixel));
  app.route("/pixel", pixelRoutes(signalLimits));
  app.use("/messaging/*", limit(BODY_LIMITS.api));
  app.route("/messaging", messagingEventRoutes(signalLimits));

  const syncLimit = limit(BODY_LIMITS.sync);
  const apiLimit = limit(BODY_LIMITS.api);
  const backfillLimit = limit(BODY_LIMITS.backfill);
  const bodyLimitFor = (path: string) =>
    path === "/api/sync/push" ? syncLimit : path === "/api/identity/backfill" ? backfillLimit : apiLimit;
  // Before authentication: a browser's preflight from the register carries no token.
  for (const route of REGISTER_ROUTES) app.use(route, registerCors);
  app.use("/api/*", (c, next) => bodyLimitFor(c.req.path)(c, next));
  const perDevice = rateLimit("device", deps.config.rateLimits ?? DEFAULT_RATE_LIMITS);
  const perShop = rateLimit("shop", deps.config.rateLimits ?? DEFAULT_RATE_LIMITS);
  // Pairing carries no token yet: it is limited by client address and overall instead.
  const pairing = pairingRateLimit(deps.config.rateLimits ?? DEFAULT_RATE_LIMITS);
  app.use("/api/sync/*", async (c, next) =>
    c.req.path === "/api/sync/pair" ? pairing(c, next) : deviceAuth(c, () => thenRespond(c, perDevice(c, next))),
  );
  app.use("/api/*", async (c, next) =>
    c.req.path.startsWith("/api/sync/") ? next() : sessionAuth(c, () => thenRespond(c, perShop(c, next))),
  );

  app.route("/api/profiles", profileRoutes);
  app.route("/api/devices", deviceRoutes);
  app.route("/api/sync", syncRoutes);
  app.route("/api/pos/redemptions", redemptionRoutes);
  app.route("/api/pos", posRoutes);
  app.route("/api", identityRoutes);
  app.route("/api/settings", settingsRoutes);
  app.route("/api/enrichment", enrichmentRoutes);
  app.route("/api", consentRoutes);
  app.route("/api", gateRoutes);
  app.route("/api/gdpr", gdprRoutes);
  app.route("/api/webhooks", webhookAdminRoutes);
  app.route("/api", dashboardRoutes);
  app.route("/api/shopify", shopifyRoutes);
  app.route("/api/messaging-keys", messagingKeyRoutes);
  return app;
}
