import { Hono } from "hono";
import type { Queryable } from "../db/client";
import type { AppEnv } from "../http/context";
import { HttpError, notFound } from "../http/errors";
import {
  dataInventory,
  dataRequestDocument,
  eraseProfile,
  exportProfile,
  listDataRequests,
  previewErasure,
} from "../services/gdpr";
import { findProfileRow } from "../services/profile";
import { withShopLock } from "../services/shop";

/** The customer must exist and not be erased already; a merged profile is erased through its survivor. */
async function erasableProfile(q: Queryable, shopId: string, profileId: string): Promise<string> {
  const row = await findProfileRow(q, shopId, profileId);
  if (!row) throw notFound(`profile ${profileId}`);
  if (row.status === "erased") throw new HttpError(409, "already_erased", `profile ${profileId} was already erased`);
  if (row.status === "merged") {
    throw new HttpError(
      409,
      "profile_merged",
      `profile ${profileId} was merged into ${row.merged_into}; erase that profile, which includes this one`,
    );
  }
  return row.id;
}

/** The admin's GDPR tab; mounted at /api/gdpr. */
export const gdprRoutes = new Hono<AppEnv>()
  .get("/profiles/:id/preview", async (c) => {
    const { db, clock } = c.var.deps;
    const profileId = await erasableProfile(db.db, c.var.shopId, c.req.param("id"));
    return c.json({ profileId, willChange: await previewErasure(db.db, c.var.shopId, profileId, clock()) });
  })
  .post("/profiles/:id/erase", async (c) => {
    const { db, clock } = c.var.deps;
    const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      const profileId = await erasableProfile(tx, shop.shopId, c.req.param("id"));
      return { profileId, changed: await eraseProfile(tx, shop, profileId, clock()) };
    });
    return c.json({ erased: true, ...result });
  })
  .get("/profiles/:id/export", async (c) => {
    const { db, clock } = c.var.deps;
    const document = await db.db.transaction(async (tx) => {
      const row = await findProfileRow(tx, c.var.shopId, c.req.param("id"));
      if (!row) throw notFound(`profile ${c.req.param("id")}`);
      return exportProfile(tx, c.var.shopId, row.id, clock());
    });
    return c.json(document);
  })
  .get("/data-requests", async (c) => {
    return c.json({ dataRequests: await listDataRequests(c.var.deps.db.db, c.var.shopId) });
  })
  .get("/data-requests/:id", async (c) => {
    const document = await dataRequestDocument(c.var.deps.db.db, c.var.shopId, c.req.param("id"));
    if (document === null) throw notFound(`data request ${c.req.param("id")}`);
    c.header("content-disposition", `attachment; filename="data-request-${c.req.param("id")}.json"`);
    return c.json(document);
  })
  .get("/inventory", async (c) => {
    const { db, clock } = c.var.deps;
    return c.json(await dataInventory(db.db, c.var.shopId, clock()));
  });
