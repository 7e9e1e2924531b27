import { CHANNEL_MIX_RULE, searchedIdentifier, type Channel, type ChannelMix, type LifecycleStage } from "@c360/shared";
import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { CONSENT_FLAG_COLUMN } from "../consent/consent-flags";
import { spendOf, wholeNumberOf, type ProfileRow } from "./profile-view";
import type { ShopContext } from "../shop/shop";

/**
 * Which profiles a search box means, as a filter on `profiles p`: an email or phone matches exactly (as identity
 * resolution stores it); anything else matches part of a name or an email. The admin and the register share it.
 */
export function customerMatch(shop: ShopContext, query: string): SQL {
  if (!query) return sql`true`;
  const exact = searchedIdentifier(query, shop.settings.defaultCountry);
  if (exact)
    return sql`p.id IN (SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND value = ${exact})`;
  const like = `%${query.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return sql`(lower(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')) LIKE ${like}
    OR p.id IN (SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = 'email'
      AND value LIKE ${like}))`;
}

/** The shared channel-mix rule as a filter on `profiles p`. */
export function channelMixFilter(mix: ChannelMix): SQL {
  const rule = CHANNEL_MIX_RULE[mix];
  if (!rule.hasOrders) return sql`p.order_count = 0`;
  return sql`p.order_count > 0 AND (p.online_spend > 0) = ${rule.online} AND (p.pos_spend > 0) = ${rule.inStore}`;
}

export interface ProfileSearch {
  query: string;
  stage?: LifecycleStage | undefined;
  channelMix?: ChannelMix | undefined;
  rfmR?: number | undefined;
  rfmF?: number | undefined;
  has?: "email" | "phone" | undefined;
  /** Granted now: the flag the ledger keeps on the profile. */
  consent?: Channel | undefined;
  limit: number;
  offset: number;
}

/** The admin's customer list: a shop's active customers matching the search, most recently active first. */
export async function searchProfiles(q: Queryable, shop: ShopContext, p: ProfileSearch) {
  const stage = p.stage ? sql`AND p.lifecycle_stage = ${p.stage}` : sql``;
  const mix = p.channelMix ? sql`AND ${channelMixFilter(p.channelMix)}` : sql``;
  const rfm = sql`${p.rfmR ? sql`AND p.rfm_r = ${p.rfmR}` : sql``} ${p.rfmF ? sql`AND p.rfm_f = ${p.rfmF}` : sql``}`;
  const has = p.has
    ? sql`AND p.id IN (SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = ${p.has})`
    : sql``;
  const consent = p.consent ? sql`AND ${sql.identifier(CONSENT_FLAG_COLUMN[p.consent])}` : sql``;
  const rows = await queryRows<ProfileRow & { total: string | number }>(
    q,
    sql`SELECT p.*, count(*) OVER () AS total FROM profiles p
        WHERE p.shop_id = ${shop.shopId} AND p.status = 'active'
          AND ${customerMatch(shop, p.query)} ${stage} ${mix} ${rfm} ${has} ${consent}
        ORDER BY p.last_activity_at DESC NULLS LAST, p.id LIMIT ${p.limit} OFFSET ${p.offset}`,
  );
  return {
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
  };
}
