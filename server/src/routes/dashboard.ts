import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { agencyUserIdSchema } from "@c360/shared";
import { z } from "zod";
import { queryRows } from "../db/rows";
import { HttpError, notFound, parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { shopDashboard } from "../services/dashboard";
import { recomputeStatus, requestShopRecompute } from "../services/shop-recompute";
import { loadShop } from "../services/shop";

/** A shop is flagged in the roll-up when more than this share of its customers is at or above the fatigue threshold. */
export const FATIGUE_FLAG_SHARE = 0.6;

const grantSchema = z.object({ userId: agencyUserIdSchema });

export const dashboardRoutes = new Hono<AppEnv>()
  .get("/dashboard", async (c) => {
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    return c.json(await shopDashboard(db.db, shop.shopId, shop.settings, clock()));
  })
  /** "Recompute now": the whole-shop pass on the shared queue; answers a job id to poll. */
  .post("/dashboard/recompute", async (c) => {
    const { db, clock, queue } = c.var.deps;
    const status = await requestShopRecompute(db.db, c.var.shopId, clock());
    queue.kick();
    return c.json(status, 202);
  })
  .get("/dashboard/recompute/:jobId", async (c) => {
    const { db, clock } = c.var.deps;
    const status = await recomputeStatus(db.db, c.var.shopId, c.req.param("jobId"), clock());
    if (!status) throw notFound(`recompute ${c.req.param("jobId")}`);
    return c.json(status);
  })
  /** The shop grants a Shopify user (an agency) its dashboard figures. */
  .post("/agency/grants", async (c) => {
    const { db, clock } = c.var.deps;
    const { userId } = parseOr400(grantSchema, await readJson(c));
    await db.db.execute(sql`INSERT INTO agency_grants (shop_id, user_id, granted_by, granted_at)
      VALUES (${c.var.shopId}, ${userId}, ${c.var.staffId}, ${clock()}) ON CONFLICT (shop_id, user_id) DO NOTHING`);
    return c.json({ shopId: c.var.shopId, userId }, 201);
  })
  .delete("/agency/grants/:userId", async (c) => {
    await c.var.deps.db.db.execute(sql`DELETE FROM agency_grants WHERE shop_id = ${c.var.shopId} AND user_id = ${c.req.param("userId")}`);
    return c.body(null, 204);
  })
  /**
   * The roll-up for the calling user: the same figures per shop, side by side, for every shop that
   * granted them (always including the shop of the token). Each shop is read on its own.
   */
  .get("/agency/rollup", async (c) => {
    const { db, clock } = c.var.deps;
    const userId = c.var.staffId;
    if (!userId) throw new HttpError(403, "no_user", "the session token names no user (sub), so no shops can be granted to it");
    const granted = await queryRows<{ shop_id: string }>(db.db, sql`SELECT shop_id FROM agency_grants WHERE user_id = ${userId} ORDER BY shop_id`);
    const shopIds = [...new Set([c.var.shopId, ...granted.map((g) => g.shop_id)])];
    const now = clock();
    const shops = [];
    for (const shopId of shopIds) {
      const shop = await loadShop(db.db, shopId);
      const figures = await shopDashboard(db.db, shopId, shop.settings, now);
      shops.push({ ...figures, fatigueFlag: figures.fatigue.shareAtOrAboveThreshold > FATIGUE_FLAG_SHARE });
    }
    return c.json({ userId, asOf: now.toISOString(), flagShare: FATIGUE_FLAG_SHARE, shops });
  });
