import { messageEventsSchema, messagingKeyCreateSchema } from "@c360/shared";
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { HttpError, parseOr400, readJson } from "../http/errors";
import type { RateLimits } from "../config";
import { DEFAULT_SIGNAL_LIMITS } from "../middleware/rate-limit";
import { WindowLimiter } from "../middleware/window-limit";
import { recordMessageEvents } from "../services/signals";
import {
  authenticateMessagingKey,
  createMessagingKey,
  listMessagingKeys,
  revokeMessagingKey,
} from "../services/signals";
import { loadShop } from "../services/shop";

/**
 * `POST /messaging/events`: a messaging tool reports sends, deliveries, opens, clicks, replies and
 * unsubscribes, authenticated by an API key the merchant created (the key names the shop).
 */
export function messagingEventRoutes(limits: RateLimits) {
  const perKey = new WindowLimiter(limits.messagingPerKey ?? DEFAULT_SIGNAL_LIMITS.messagingPerKey, limits.windowMs);
  return new Hono<AppEnv>().post("/events", async (c) => {
    const { db, clock } = c.var.deps;
    const { shopId, keyId } = await authenticateMessagingKey(db.db, c.req.header("authorization"));
    const hit = perKey.hit(`${shopId}|${keyId}`, clock().getTime());
    if (!hit.allowed)
      throw new HttpError(
        429,
        "rate_limited",
        `too many calls with this API key; retry after ${hit.retryAfterSeconds} s`,
      );
    const { events } = parseOr400(messageEventsSchema, await readJson(c));
    const now = clock();
    const results = await db.db.transaction(async (tx) => {
      const shop = await loadShop(tx, shopId, { lock: true });
      return recordMessageEvents(tx, shop, { keyId, events, receivedAt: now });
    });
    const count = (status: string) => results.filter((r) => r.status === status).length;
    return c.json({
      recorded: count("recorded"),
      duplicates: count("duplicate"),
      unknownCustomers: count("unknown_customer"),
      results,
    });
  });
}

/** The merchant's messaging API keys (admin, session token): list, create (shown once), revoke. */
export const messagingKeyRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.var.deps;
    return c.json({ keys: await listMessagingKeys(db.db, c.var.shopId) });
  })
  .post("/", async (c) => {
    const { db, clock } = c.var.deps;
    const input = parseOr400(messagingKeyCreateSchema, await readJson(c));
    const key = await createMessagingKey(db.db, c.var.shopId, { name: input.name, createdBy: c.var.staffId }, clock());
    return c.json(key, 201);
  })
  .post("/:id/revoke", async (c) => {
    const { db, clock } = c.var.deps;
    return c.json(await revokeMessagingKey(db.db, c.var.shopId, c.req.param("id"), clock()));
  });
