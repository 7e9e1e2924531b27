import { channelSchema, normalizeEmail, normalizePhone } from "@c360/shared";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { queryRows } from "../db/rows";
import { notFound, parseOr400 } from "../http/errors";
import type { AppEnv } from "../http/context";
import { explainProfile } from "../services/identify";
import {
  findProfileRow,
  fullProfileView,
  profileIdByIdentifier,
  spendOf,
  wholeNumberOf,
  type ProfileRow,
} from "../services/profile-view";
import { loadShop } from "../services/shop";

const searchSchema = z.object({
  query: z.string().trim().max(200).default(""),
  stage: z.enum(["new", "engaged", "converted", "loyal", "at_risk", "churned"]).optional(),
  channelMix: z.enum(["online_only", "in_store_only", "omnichannel", "no_orders", "no_spend"]).optional(),
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
      return c.json({ profileId: row.id, mergedInto: row.merged_into, message: "this profile was merged; follow mergedInto" }, 301, {
        Location: `/api/profiles/${row.merged_into}/explain`,
      });
    }
    return c.json(await explainProfile(db.db, shop, row.id));
  })
  .get("/:id", async (c) => {
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const row = await findProfileRow(db.db, shop.shopId, c.req.param("id"));
    if (!row) throw notFound(`profile ${c.req.param("id")}`);
    if (row.status === "merged" && row.merged_into) {
      return c.json({ profileId: row.id, mergedInto: row.merged_into, message: "this profile was merged; follow mergedInto" }, 301, {
        Location: `/api/profiles/${row.merged_into}`,
      });
    }
    return c.json(await fullProfileView(db.db, shop.shopId, row, shop.settings, clock()));
  })
  .get("/", async (c) => {
    const { db } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const p = parseOr400(searchSchema, c.req.query(), "query string");
    const email = normalizeEmail(p.query, []);
    const phone = /\d{5,}/.test(p.query) ? normalizePhone(p.query, shop.settings.defaultCountry, []) : null;
    const like = `%${p.query.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const byIdentifier = email ?? phone;
    const match = !p.query
      ? sql`true`
      : byIdentifier
        ? sql`p.id IN (SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND value = ${byIdentifier})`
        : sql`(lower(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')) LIKE ${like}
               OR p.id IN (SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = 'email' AND value LIKE ${like}))`;
    const stage = p.stage ? sql`AND p.lifecycle_stage = ${p.stage}` : sql``;
    const mix =
      p.channelMix === "online_only"
        ? sql`AND p.online_spend > 0 AND p.pos_spend = 0`
        : p.channelMix === "in_store_only"
          ? sql`AND p.pos_spend > 0 AND p.online_spend = 0`
          : p.channelMix === "omnichannel"
            ? sql`AND p.pos_spend > 0 AND p.online_spend > 0`
            : p.channelMix === "no_orders"
              ? sql`AND p.order_count = 0`
              : p.channelMix === "no_spend"
                ? sql`AND p.order_count > 0 AND p.pos_spend = 0 AND p.online_spend = 0`
                : sql``;
    const rfm = sql`${p.rfmR ? sql`AND p.rfm_r = ${p.rfmR}` : sql``} ${p.rfmF ? sql`AND p.rfm_f = ${p.rfmF}` : sql``}`;
    const has = p.has
      ? sql`AND p.id IN (SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = ${p.has})`
      : sql``;
    // Granted now: the latest row for the channel or a global unsubscribe, revocation first on a tie
    // (the ledger's rule).
    const consent = p.consent
      ? sql`AND p.id IN (SELECT profile_id FROM (
            SELECT DISTINCT ON (profile_id) profile_id, action FROM consents
            WHERE shop_id = ${shop.shopId} AND channel IN (${p.consent}, 'all')
            ORDER BY profile_id, acted_at DESC, (action = 'revoked') DESC, received_at DESC, id DESC) latest
          WHERE action = 'granted')`
      : sql``;
    const rows = await queryRows<ProfileRow & { total: string | number }>(
      db.db,
      sql`SELECT p.*, count(*) OVER () AS total FROM profiles p
          WHERE p.shop_id = ${shop.shopId} AND p.status = 'active' AND ${match} ${stage} ${mix} ${rfm} ${has} ${consent}
          ORDER BY p.last_activity_at DESC NULLS LAST, p.id LIMIT ${p.limit} OFFSET ${p.offset}`,
    );
    return c.json({
      total: Number(rows[0]?.total ?? 0),
      limit: p.limit,
      offset: p.offset,
      profiles: rows.map((r) => ({
        profileId: r.id,
        firstName: r.first_name,
        lastName: r.last_name,
        lifecycleStage: r.lifecycle_stage,
        tier: r.loyalty_tier,
        points: wholeNumberOf(r.loyalty_points),
        lifetimeSpend: spendOf(r.lifetime_spend, shop.settings.currency),
        orderCount: r.order_count,
        lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
      })),
    });
  });
