import { CHANNEL_MIXES, LIFECYCLE_STAGES, channelSchema } from "@c360/shared";
import { type Context, Hono } from "hono";
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

/**
 * The profile an address names, or the answer for one that cannot be shown: 404 when the shop has no
 * such profile, 301 to the survivor at the same sub-path when it was merged, so old links keep working.
 */
async function liveProfile(c: Context<AppEnv>, profileId: string, subPath: string) {
  const { db } = c.var.deps;
  const shop = await loadShop(db.db, c.var.shopId);
  const row = await findProfileRow(db.db, shop.shopId, profileId);
  if (!row) throw notFound(`profile ${profileId}`);
  if (row.status === "merged" && row.merged_into) {
    return c.json(
      { profileId: row.id, mergedInto: row.merged_into, message: "this profile was merged; follow mergedInto" },
      301,
      { Location: `/api/profiles/${row.merged_into}${subPath}` },
    );
  }
  return { shop, row };
}

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
    const found = await liveProfile(c, c.req.param("id"), "/explain");
    if (found instanceof Response) return found;
    return c.json(await explainProfile(c.var.deps.db.db, found.shop, found.row.id));
  })
  .get("/:id", async (c) => {
    const found = await liveProfile(c, c.req.param("id"), "");
    if (found instanceof Response) return found;
    const { shop, row } = found;
    return c.json(await fullProfileView(c.var.deps.db.db, shop.shopId, row, shop.settings, c.var.deps.clock()));
  })
  .get("/", async (c) => {
    const { db } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const p = parseOr400(searchSchema, c.req.query(), "query string");
    return c.json(await searchProfiles(db.db, shop, p));
  });
