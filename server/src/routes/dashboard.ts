import { Hono } from "hono";
import { agencyUserIdSchema } from "@c360/shared";
import { z } from "zod";
import type { AppEnv } from "../http/context";
import { HttpError, notFound, parseOr400, readJson } from "../http/errors";
import { agencyRollup, grantAgency, revokeAgency } from "../services/reporting";
import { shopDashboard } from "../services/reporting";
import { recomputeStatus, requestShopRecompute } from "../services/reporting";
import { loadShop } from "../services/shop";

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
    if (!userId)
      throw new HttpError(403, "no_user", "the session token names no user (sub), so no shops can be granted to it");
    return c.json(await agencyRollup(c.var.deps.db.db, userId, c.var.shopId, c.var.deps.clock()));
  });
