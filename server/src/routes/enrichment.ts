import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { withShopLock } from "../services/shop";
import { recomputeShop } from "../jobs/whole-shop-recompute";

/** The whole-shop pass on demand (it also runs nightly as the `recompute_shop` job). */
export const enrichmentRoutes = new Hono<AppEnv>().post("/recompute", async (c) => {
  const { db, clock } = c.var.deps;
  const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
    return recomputeShop(tx, shop, clock());
  });
  return c.json(result);
});
