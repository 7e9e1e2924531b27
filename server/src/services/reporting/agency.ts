import { type AgencyRollup, FATIGUE_FLAG_SHARE, isFatigueFlagged } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { shopDashboard } from "./dashboard";
import { loadShop } from "../shop/shop";

/** The shop grants a Shopify user (an agency) its dashboard figures; granting twice is one grant. */
export async function grantAgency(q: Queryable, shopId: string, userId: string, grantedBy: string | null, now: Date) {
  await q.execute(sql`INSERT INTO agency_grants (shop_id, user_id, granted_by, granted_at)
    VALUES (${shopId}, ${userId}, ${grantedBy}, ${now}) ON CONFLICT (shop_id, user_id) DO NOTHING`);
}

export async function revokeAgency(q: Queryable, shopId: string, userId: string) {
  await q.execute(sql`DELETE FROM agency_grants WHERE shop_id = ${shopId} AND user_id = ${userId}`);
}

/**
 * The roll-up for a user: the dashboard figures per shop, side by side, for every shop that granted them
 * (always including the shop of their token). Each shop is read on its own, with its own settings.
 */
export async function agencyRollup(q: Queryable, userId: string, ownShopId: string, now: Date): Promise<AgencyRollup> {
  const granted = await queryRows<RawRow<typeof tables.agencyGrants, "shop_id">>(
    q,
    sql`SELECT shop_id FROM agency_grants WHERE user_id = ${userId} ORDER BY shop_id`,
  );
  const shopIds = [...new Set([ownShopId, ...granted.map((g) => g.shop_id)])];
  const shops = [];
  for (const shopId of shopIds) {
    const shop = await loadShop(q, shopId);
    const figures = await shopDashboard(q, shopId, shop.settings, now);
    shops.push({ ...figures, fatigueFlag: isFatigueFlagged(figures.fatigue.shareAtOrAboveThreshold) });
  }
  return { userId, asOf: now.toISOString(), flagShare: FATIGUE_FLAG_SHARE, shops };
}
