import { rateLimiter } from "hono-rate-limiter";
import type { Context, MiddlewareHandler } from "hono";
import type { RateLimits } from "../config";
import type { AppEnv } from "../http/context";

/**
 * The public signal endpoints: a browser sends a batch every few seconds at most (20 events each); a busy
 * storefront's browsers together stay far below the shop's; a messaging tool batches up to 500 events a call.
 */
export const DEFAULT_SIGNAL_LIMITS = { pixelPerShop: 2000, pixelPerClient: 30, messagingPerKey: 300 } as const;

/**
 * Pairing is the one sync call without a token, so it is limited by where it comes from: a clerk types a
 * code a few times a day; a guesser is held to 20 a minute per address and 600 a minute in all.
 */
export const DEFAULT_PAIRING_LIMITS = { perAddress: 20, overall: 600, windowMs: 60_000 } as const;

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
    keyGenerator: (c) =>
      kind === "shop" ? `shop:${c.get("shopId")}` : `device:${c.get("shopId")}:${c.get("deviceId")}`,
    handler: (c) =>
      c.json(
        {
          error: "rate_limited",
          message:
            `too many requests for this ${kind}; ` + `slow down and retry after ${Math.ceil(limits.windowMs / 1000)} s`,
        },
        429,
        { "Retry-After": String(Math.ceil(limits.windowMs / 1000)) },
      ),
  });
}

/**
 * Where a request comes from: the socket's peer, or, when that peer is a proxy on this host or network,
 * the address that proxy appended last to X-Forwarded-For (the one hop a client cannot forge).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const peer = env?.incoming?.socket?.remoteAddress;
  const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
  const behindProxy =
    peer === undefined || /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|::ffff:127\.|fc|fd)/.test(peer);
  return (behindProxy && forwarded) || peer || "unknown";
}

/** Both pairing limits in one middleware: per client address first, then over all clients. */
export function pairingRateLimit(limits: RateLimits): MiddlewareHandler<AppEnv> {
  const windowMs = DEFAULT_PAIRING_LIMITS.windowMs;
  const refuse = (scope: string) => (c: Context<AppEnv>) =>
    c.json(
      { error: "rate_limited", message: `too many pairing attempts ${scope}; wait a minute and type the code again` },
      429,
      { "Retry-After": String(windowMs / 1000) },
    );
  const byAddress = rateLimiter<AppEnv>({
    windowMs,
    limit: limits.pairPerAddress ?? DEFAULT_PAIRING_LIMITS.perAddress,
    standardHeaders: "draft-6",
    keyGenerator: (c) => `pair:${clientAddress(c)}`,
    handler: refuse("from this network address"),
  });
  const overall = rateLimiter<AppEnv>({
    windowMs,
    limit: limits.pairOverall ?? DEFAULT_PAIRING_LIMITS.overall,
    standardHeaders: "draft-6",
    keyGenerator: () => "pair:all",
    handler: refuse("on this server right now"),
  });
  return async (c, next) => {
    const limited = await byAddress(c, async () => {
      const inner = await overall(c, next);
      if (inner) c.res = inner;
    });
    if (limited) c.res = limited;
  };
}
