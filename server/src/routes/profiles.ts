import { CHANNEL_MIXES, LIFECYCLE_STAGES, channelSchema } from "@c360/shared";
import { Hono } from "hono";
import { z } from "zod";
import { notFound, parseOr400 } from "../http/errors";
import type { AppEnv } from "../http/context";
import { explainProfile } from "../services/identity";
import { searchProfiles } from "../services/profile";
import { findProfileRow, fullProfileView, profileIdByIdentifier } from "../services/profile";
import { loadShop } from "../services/shop";

const searchSchema = z.object({
  query: z.string().trim().max(200).default(""),
  stage: z.enum(LIFECYCLE_STAGES).optional(),
  channelMix: z.enum(CHANNEL_MIXES).optional(),
  /** The dashboard's RFM grid cell and coverage bars click through to these. */
  rfmR: z.coerce.number().int().min(1).max(5).optional(),
  rfmF: z.coerce.number().int().min(1).max(5).optional(),
  has: z.enum(["email", "phone"]).optional(),
  consent: channelSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const profileRoutes = new Hono<AppEnv>()
  .get("/by-shopify-customer/:id", async (c) => {
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const profileId = await profileIdByIdentifier(db.db, shop.shopId, "shopify", c.req.param("id"));
    const row = profileId ? await findProfileRow(db.db, shop.shopId, profileId) : null;
    if (!row) throw notFound(`customer ${c.req.param("id")}`);
    return c.json(await fullProfileView(db.db, shop.shopId, row, shop.settings, clock()));
  })
  .get("/:id/explain", async (c) => {
    const { db } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const row = await findProfileRow(db.db, shop.shopId, c.req.param("id"));
    if (!row) throw notFound(`profile ${c.req.param("id")}`);
    if (row.status === "merged" && row.merged_into) {
      return c.json(
        { profileId: row.id, mergedInto: row.merged_into, message: "this profile was merged; follow mergedInto" },
        301,
        {
          Location: `/api/profiles/${row.merged_into}/explain`,
        },
      );
    }
    return c.json(await explainProfile(db.db, shop, row.id));
  })
  .get("/:id", async (c) => {
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const row = await findProfileRow(db.db, shop.shopId, c.req.param("id"));
    if (!row) throw notFound(`profile ${c.req.param("id")}`);
    if (row.status === "merged" && row.merged_into) {
      return c.json(
        { profileId: row.id, mergedInto: row.merged_into, message: "this profile was merged; follow mergedInto" },
        301,
        {
          Location: `/api/profiles/${row.merged_into}`,
        },
      );
    }
    return c.json(await fullProfileView(db.db, shop.shopId, row, shop.settings, clock()));
  })
  .get("/", async (c) => {
    const { db } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const p = parseOr400(searchSchema, c.req.query(), "query string");
    return c.json(await searchProfiles(db.db, shop, p));
  });
