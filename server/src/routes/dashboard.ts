import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/context";
import { HttpError, parseOr400, readJson } from "../http/errors";
import { agencyRollup, grantAgency, revokeAgency } from "../services/agency";
import { shopDashboard } from "../services/dashboard";
import { loadShop } from "../services/shop";

const grantSchema = z.object({ userId: z.string().trim().min(1).max(100) });

export const dashboardRoutes = new Hono<AppEnv>()
  .get("/dashboard", async (c) => {
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    return c.json(await shopDashboard(db.db, shop.shopId, shop.settings, clock()));
  })
  /** The shop grants a Shopify user (an agency) its dashboard figures. */
  .post("/agency/grants", async (c) => {
    const { userId } = parseOr400(grantSchema, await readJson(c));
    await grantAgency(c.var.deps.db.db, c.var.shopId, userId, c.var.staffId, c.var.deps.clock());
    return c.json({ shopId: c.var.shopId, userId }, 201);
  })
  .delete("/agency/grants/:userId", async (c) => {
    await revokeAgency(c.var.deps.db.db, c.var.shopId, c.req.param("userId"));
    return c.body(null, 204);
  })
  .get("/agency/rollup", async (c) => {
    const userId = c.var.staffId;
    if (!userId) throw new HttpError(403, "no_user", "the session token names no user (sub), so no shops can be granted to it");
    return c.json(await agencyRollup(c.var.deps.db.db, userId, c.var.shopId, c.var.deps.clock()));
  });
