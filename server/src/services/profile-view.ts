import {
  churnBand,
  currentConsentState,
  minorUnitsOf,
  tierFor,
  toMajorUnits,
  CHANNELS,
  type ConsentEntry,
  type ShopSettings,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";

export interface ProfileRow {
  id: string;
  status: "active" | "merged" | "erased";
  merged_into: string | null;
  first_name: string | null;
  last_name: string | null;
  birthday: string | null;
  postcode: string | null;
  time_zone: string | null;
  note: string | null;
  order_count: number;
  lifetime_spend: string | number;
  pos_spend: string | number;
  online_spend: string | number;
  first_order_at: Date | null;
  last_order_at: Date | null;
  preferred_location_id: string | null;
  visit_count: number;
  last_visit_at: Date | null;
  first_seen_at: Date;
  last_activity_at: Date | null;
  lifecycle_stage: string;
  rfm_r: number | null;
  rfm_f: number | null;
  rfm_m: number | null;
  churn_risk: number | null;
  /** Money columns are bigint minor units of the shop's currency; bigint arrives as a string from postgres-js. */
  ltv_predicted_90d: string | number | null;
  next_order_at: Date | null;
  engagement_score: number | null;
  /** jsonb: parsed from PGlite, text or parsed from postgres-js. */
  viewed_product_ids?: string[] | string | null;
  loyalty_points: string | number;
  loyalty_tier: string | null;
  created_at: Date;
}

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

/** A bigint money or points column as a JS number; past 2^53 - 1 it could not be exact, so it is refused. */
export function wholeNumberOf(v: string | number | null | undefined): number {
  const n = v == null ? 0 : Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`stored amount ${String(v)} is past what can be read exactly`);
  return n;
}

/** A stored minor-unit amount in the shop's currency, in its main unit (1999 → 19.99 USD) for the API. */
export const spendOf = (v: string | number | null | undefined, currency: string) =>
  toMajorUnits(wholeNumberOf(v), currency);

export async function findProfileRow(q: Queryable, shopId: string, profileId: string): Promise<ProfileRow | null> {
  const [row] = await queryRows<ProfileRow>(q, sql`SELECT * FROM profiles WHERE shop_id = ${shopId} AND id = ${profileId}`);
  return row ?? null;
}

export async function profileIdByIdentifier(q: Queryable, shopId: string, kind: string, value: string): Promise<string | null> {
  const [row] = await queryRows<{ profile_id: string }>(
    q,
    sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = ${kind} AND value = ${value}`,
  );
  return row?.profile_id ?? null;
}

export async function consentStateOf(q: Queryable, shopId: string, profileId: string) {
  const rows = await queryRows<{ id: string; channel: string; action: "granted" | "revoked"; acted_at: Date | string; received_at: Date | string }>(
    q,
    sql`SELECT id, channel, action, acted_at, received_at FROM consents WHERE shop_id = ${shopId} AND profile_id = ${profileId}`,
  );
  const entries: ConsentEntry[] = rows.map((r) => ({
    id: r.id,
    channel: r.channel as ConsentEntry["channel"],
    action: r.action,
    actedAt: new Date(r.acted_at),
    receivedAt: new Date(r.received_at),
  }));
  return currentConsentState(entries);
}

export function consentView(state: Awaited<ReturnType<typeof consentStateOf>>) {
  return Object.fromEntries(CHANNELS.map((ch) => [ch, { granted: state[ch].granted, since: iso(state[ch].since) }]));
}

export function loyaltyView(row: ProfileRow, settings: ShopSettings) {
  const points = wholeNumberOf(row.loyalty_points);
  const status = tierFor(points, settings.loyalty.tiers);
  return {
    points,
    tier: row.loyalty_tier ?? status.tier,
    nextTier: status.nextTier,
    pointsToNextTier: status.pointsToNextTier,
    progress: status.progress,
  };
}

export async function identifiersOf(q: Queryable, shopId: string, profileId: string) {
  const rows = await queryRows<{ kind: string; value: string; source: string; linked_at: Date | string }>(
    q,
    sql`SELECT kind, value, source, linked_at FROM identifiers WHERE shop_id = ${shopId} AND profile_id = ${profileId} ORDER BY linked_at, kind, value`,
  );
  return rows.map((r) => ({ kind: r.kind, value: r.value, source: r.source, linkedAt: iso(r.linked_at)! }));
}

export async function openDuplicateCount(q: Queryable, shopId: string, profileId: string): Promise<number> {
  const [row] = await queryRows<{ n: string | number }>(
    q,
    sql`SELECT count(*) AS n FROM merge_candidates WHERE shop_id = ${shopId} AND status = 'open'
        AND (profile_id = ${profileId} OR other_profile_id = ${profileId})`,
  );
  return Number(row?.n ?? 0);
}

/** The register's view (`GET /api/pos/customers/:id`): indexed reads only. */
export async function posCustomerView(q: Queryable, shopId: string, row: ProfileRow, settings: ShopSettings, now: Date) {
  const [ids, consent, duplicates] = await Promise.all([
    identifiersOf(q, shopId, row.id),
    consentStateOf(q, shopId, row.id),
    openDuplicateCount(q, shopId, row.id),
  ]);
  return {
    profileId: row.id,
    shopifyCustomerId: ids.find((i) => i.kind === "shopify")?.value ?? null,
    firstName: row.first_name,
    lastName: row.last_name,
    emails: ids.filter((i) => i.kind === "email").map((i) => i.value),
    phones: ids.filter((i) => i.kind === "phone").map((i) => i.value),
    lifecycleStage: row.lifecycle_stage,
    orderCount: row.order_count,
    lifetimeSpend: spendOf(row.lifetime_spend, settings.currency),
    posSpend: spendOf(row.pos_spend, settings.currency),
    onlineSpend: spendOf(row.online_spend, settings.currency),
    currency: settings.currency,
    churnRisk: row.churn_risk,
    churnBand: row.churn_risk == null ? null : churnBand(row.churn_risk),
    engagementScore: row.engagement_score,
    lastVisitAt: iso(row.last_visit_at),
    lastOrderAt: iso(row.last_order_at),
    loyalty: loyaltyView(row, settings),
    consent: consentView(consent),
    openDuplicates: duplicates,
    asOf: now.toISOString(),
  };
}

/** The full 360 profile (`GET /api/profiles/:id`). */
export async function fullProfileView(q: Queryable, shopId: string, row: ProfileRow, settings: ShopSettings, now: Date) {
  const base = await posCustomerView(q, shopId, row, settings, now);
  const identifiers = await identifiersOf(q, shopId, row.id);
  const orderCount = row.order_count;
  const lifetimeMinor = wholeNumberOf(row.lifetime_spend);
  const lifetime = toMajorUnits(lifetimeMinor, settings.currency);
  const digits = minorUnitsOf(settings.currency);
  const timeline = await queryRows<{ kind: string; id: string; at: Date | string; summary: string }>(
    q,
    sql`(SELECT 'order' AS kind, order_id AS id, placed_at AS at,
                concat(round(total::numeric / 10::numeric ^ ${digits}, ${digits})::text, ' ', currency,
                       ' via ', coalesce(source_name, 'online'),
                       CASE WHEN cancelled_at IS NOT NULL THEN ' (cancelled)' ELSE '' END) AS summary
           FROM orders WHERE shop_id = ${shopId} AND profile_id = ${row.id})
        UNION ALL (SELECT 'visit', id, at, concat('visit (', source, ')') FROM visits WHERE shop_id = ${shopId} AND profile_id = ${row.id})
        UNION ALL (SELECT 'consent', id, acted_at, concat(channel, ' ', action) FROM consents WHERE shop_id = ${shopId} AND profile_id = ${row.id})
        UNION ALL (SELECT 'message', id, at, concat(channel, ' ', kind, ' ', status, ' (', reason, ')') FROM messages WHERE shop_id = ${shopId} AND profile_id = ${row.id})
        UNION ALL (SELECT 'merge', id, created_at, reason FROM merges
                   WHERE shop_id = ${shopId} AND undone_at IS NULL AND (survivor_id = ${row.id} OR merged_id = ${row.id}))
        ORDER BY at DESC LIMIT 50`,
  );
  return {
    ...base,
    status: row.status,
    birthday: row.birthday,
    postcode: row.postcode,
    identifiers,
    aggregates: {
      orderCount,
      lifetimeSpend: lifetime,
      averageOrderValue: orderCount ? toMajorUnits(Math.round(lifetimeMinor / orderCount), settings.currency) : 0,
      posSpend: spendOf(row.pos_spend, settings.currency),
      onlineSpend: spendOf(row.online_spend, settings.currency),
      firstOrderAt: iso(row.first_order_at),
      lastOrderAt: iso(row.last_order_at),
      preferredLocationId: row.preferred_location_id,
      visitCount: row.visit_count,
    },
    rfm: row.rfm_r == null ? null : { r: row.rfm_r, f: row.rfm_f, m: row.rfm_m },
    ltv: { historical: lifetime, predicted90d: spendOf(row.ltv_predicted_90d, settings.currency) },
    nextOrderAt: iso(row.next_order_at),
    engagementScore: row.engagement_score,
    firstSeenAt: iso(row.first_seen_at),
    lastActivityAt: iso(row.last_activity_at),
    timeline: timeline.map((t) => ({ kind: t.kind, id: t.id, at: iso(t.at), summary: t.summary })),
  };
}
