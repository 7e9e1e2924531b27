import { pixelBatchSchema } from "@c360/shared";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../http/context";
import { HttpError, parseOr400, readJson } from "../http/errors";
import type { RateLimits } from "../config";
import { DEFAULT_SIGNAL_LIMITS } from "../middleware/rate-limit";
import { WindowLimiter } from "../middleware/window-limit";
import { ingestPixelBatch } from "../services/signals";

/**
 * `POST /pixel/events`: the storefront web pixel's batches. Public (a pixel can hold no secret), so it
 * trusts nothing: the body is validated field by field, the shop must have the app installed, and each
 * shop and each browser has its own rate limit. The pixel sends with `sendBeacon` (text/plain, no
 * preflight) from a sandboxed worker, so any origin may call it and no cookie is read.
 */
export function pixelRoutes(limits: RateLimits) {
  const perShop = new WindowLimiter(limits.pixelPerShop ?? DEFAULT_SIGNAL_LIMITS.pixelPerShop, limits.windowMs);
  const perClient = new WindowLimiter(limits.pixelPerClient ?? DEFAULT_SIGNAL_LIMITS.pixelPerClient, limits.windowMs);
  const limited = (what: string, retryAfterSeconds: number) =>
    new HttpError(429, "rate_limited", `too many pixel batches for this ${what}; retry after ${retryAfterSeconds} s`);
  return new Hono<AppEnv>()
    .use("*", cors({ origin: "*", allowMethods: ["POST", "OPTIONS"], allowHeaders: ["content-type"], maxAge: 86_400 }))
    .post("/events", async (c) => {
      const { db, clock } = c.var.deps;
      const batch = parseOr400(pixelBatchSchema, await readJson(c));
      const now = clock();
      const shopHit = perShop.hit(batch.shop, now.getTime());
      if (!shopHit.allowed) throw limited("shop", shopHit.retryAfterSeconds);
      const clientHit = perClient.hit(`${batch.shop}|${batch.clientId}`, now.getTime());
      if (!clientHit.allowed) throw limited("browser", clientHit.retryAfterSeconds);
      const result = await ingestPixelBatch(db, batch, now);
      return c.json(result, 202);
    });
}
