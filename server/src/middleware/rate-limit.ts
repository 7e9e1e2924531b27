import { rateLimiter } from "hono-rate-limiter";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/context";

export interface RateLimits {
  /** Requests per shop per window on the session-token API. */
  perShop: number;
  /** Requests per device per window on /api/sync/*. */
  perDevice: number;
  windowMs: number;
}

/** Generous defaults: a busy shop with many registers stays far below them; a runaway client does not. */
export const DEFAULT_RATE_LIMITS: RateLimits = { perShop: 3000, perDevice: 600, windowMs: 10_000 };

/**
 * Counts requests per shop (or per device) after authentication, so the key is a verified identity.
 * In-memory per instance: with N instances the effective limit is N times larger, which is fine for a
 * guard against runaway clients.
 */
export function rateLimit(kind: "shop" | "device", limits: RateLimits): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    windowMs: limits.windowMs,
    limit: kind === "shop" ? limits.perShop : limits.perDevice,
    standardHeaders: "draft-6",
    keyGenerator: (c) => (kind === "shop" ? `shop:${c.get("shopId")}` : `device:${c.get("shopId")}:${c.get("deviceId")}`),
    handler: (c) =>
      c.json(
        {
          error: "rate_limited",
          message: `too many requests for this ${kind}; slow down and retry after ${Math.ceil(limits.windowMs / 1000)} s`,
        },
        429,
        { "Retry-After": String(Math.ceil(limits.windowMs / 1000)) },
      ),
  });
}
