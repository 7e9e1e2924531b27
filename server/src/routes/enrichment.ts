import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { loadShop } from "../services/shop";
import { recomputeShop } from "../services/whole-shop-recompute";

/** The whole-shop pass on demand (it also runs nightly as the `recompute_shop` job). */
export const enrichmentRoutes = new Hono<AppEnv>().post("/recompute", async (c) => {
  const { db, clock } = c.var.deps;
  const result = await db.db.transaction(async (tx) => {
    const shop = await loadShop(tx, c.var.shopId, { lock: true });
    return recomputeShop(tx, shop, clock());
  });
  return c.json(result);
});
