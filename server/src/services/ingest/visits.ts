import { effectiveActedAt, normalizeShopifyCustomerId } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError } from "../../http/errors";
import { refuseIfErased } from "../gdpr/erasure-register";
import { recomputeProfile } from "../profile/recompute-profile";
import { resolveEventIdentity } from "../identity/resolve-identity";
import type { ShopContext } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";

export interface VisitInput {
  /** Client-generated; a second call with the same ID changes nothing. */
  id: string;
  /** Either the profile, or the Shopify customer the register attached to the cart. */
  profileId?: string | null;
  shopifyCustomerId?: string | null;
  source: "pos" | "companion" | "online";
  locationId?: string | null;
  staffId?: string | null;
  deviceId?: string | null;
  /** Device time of the visit; clamped to receipt when the device clock runs ahead. */
  at: Date;
}

export interface LoggedVisit {
  visitId: string;
  profileId: string;
  duplicate: boolean;
  clamped: boolean;
}

/**
 * Logs one store visit inside the caller's transaction (the caller holds the shop lock). A Shopify
 * customer the server has not seen yet gets a profile through identity resolution. With
 * `deferRecompute`, the caller recomputes the profile once for a whole batch.
 */
export async function logVisit(
  q: Queryable,
  shop: ShopContext,
  visit: VisitInput,
  now: Date,
  opts: { deferRecompute?: boolean } = {},
): Promise<LoggedVisit> {
  const { shopId } = shop;
  const [existing] = await queryRows<RawRow<typeof tables.visits, "profile_id">>(
    q,
    sql`SELECT profile_id FROM visits WHERE shop_id = ${shopId} AND id = ${visit.id}`,
  );
  if (existing) return { visitId: visit.id, profileId: existing.profile_id, duplicate: true, clamped: false };

  const { actedAt, clamped } = effectiveActedAt(visit.at, now);
  let profileId = visit.profileId ? await liveProfileId(q, shopId, visit.profileId) : null;
  if (!profileId && visit.shopifyCustomerId) {
    const shopifyId = normalizeShopifyCustomerId(visit.shopifyCustomerId);
    if (!shopifyId)
      throw new HttpError(400, "invalid_customer", `"${visit.shopifyCustomerId}" is not a Shopify customer ID`);
    // A visit made before the customer was erased (a tablet offline since) must not link them again.
    const names = [{ kind: "shopify" as const, value: shopifyId }];
    await refuseIfErased(q, shopId, { interaction: "visit", madeAt: actedAt, names }, "capture", now);
    const resolution = await resolveEventIdentity(
      q,
      shop,
      { id: `visit:${visit.id}`, source: "visit", identifiers: [{ kind: "shopify", value: shopifyId }], at: actedAt },
      now,
    );
    profileId = resolution?.profileId ?? null;
  }
  if (!profileId) {
    throw new HttpError(
      404,
      "customer_not_found",
      visit.profileId
        ? `profile ${visit.profileId} was not found in this shop`
        : "say which customer visited: profileId or shopifyCustomerId",
    );
  }
  await q.execute(sql`INSERT INTO visits (shop_id, id, profile_id, source, location_id, staff_id, device_id, at,
    received_at)
    VALUES (${shopId}, ${visit.id}, ${profileId}, ${visit.source}, ${visit.locationId ?? null},
      ${visit.staffId ?? null},
            ${visit.deviceId ?? null}, ${actedAt}, ${now})
    ON CONFLICT (shop_id, id) DO NOTHING`);
  if (!opts.deferRecompute) await recomputeProfile(q, shopId, profileId, shop.settings, now);
  return { visitId: visit.id, profileId, duplicate: false, clamped };
}

/** A profile ID as a device last knew it, followed through merges; null when unknown or erased. */
export async function liveProfileId(q: Queryable, shopId: string, profileId: string): Promise<string | null> {
  const [row] = await queryRows<{ id: string; status: string; merged_into: string | null }>(
    q,
    sql`SELECT p.id, p.status, p.merged_into FROM profiles p WHERE p.shop_id = ${shopId} AND p.id = ${profileId}`,
  );
  if (!row || row.status === "erased") return null;
  if (row.status === "merged") {
    // merge.ts re-points every profile merged into a merged one, so one hop reaches the survivor.
    if (!row.merged_into) return null;
    const [survivor] = await queryRows<RawRow<typeof tables.profiles, "id" | "status">>(
      q,
      sql`SELECT id, status FROM profiles WHERE shop_id = ${shopId} AND id = ${row.merged_into}`,
    );
    return survivor?.status === "active" ? survivor.id : null;
  }
  return row.id;
}

/** {@link liveProfileId} for many profiles in one statement: each known, live one maps to its live profile. */
export async function liveProfileIds(
  q: Queryable,
  shopId: string,
  profileIds: Iterable<string>,
): Promise<Map<string, string>> {
  const ids = [...new Set(profileIds)];
  const live = new Map<string, string>();
  if (ids.length === 0) return live;
  const rows = await queryRows<{
    id: string;
    status: string;
    merged_into: string | null;
    survivor_status: string | null;
  }>(
    q,
    sql`SELECT p.id, p.status, p.merged_into, s.status AS survivor_status
        FROM profiles p LEFT JOIN profiles s ON s.shop_id = p.shop_id AND s.id = p.merged_into
        WHERE p.shop_id = ${shopId} AND p.id = ANY(${sqlTextArray(ids)})`,
  );
  for (const r of rows) {
    if (r.status === "erased") continue;
    if (r.status !== "merged") live.set(r.id, r.id);
    else if (r.merged_into && r.survivor_status === "active") live.set(r.id, r.merged_into);
  }
  return live;
}
