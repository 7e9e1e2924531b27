import {
  churnBand,
  explainChurn,
  currentConsentState,
  minorUnitsOf,
  tierFor,
  toMajorUnits,
  CHANNELS,
  type ConsentState,
  type RfmScores,
  type ShopSettings,
} from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { consentLedgersOf } from "../consent/consent-entries";

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
  const [row] = await queryRows<ProfileRow>(
    q,
    sql`SELECT * FROM profiles WHERE shop_id = ${shopId} AND id = ${profileId}`,
  );
  return row ?? null;
}

export async function profileIdByIdentifier(
  q: Queryable,
  shopId: string,
  kind: string,
  value: string,
): Promise<string | null> {
  const [row] = await queryRows<{ profile_id: string }>(
    q,
    sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = ${kind} AND value = ${value}`,
  );
  return row?.profile_id ?? null;
}

export async function consentStateOf(q: Queryable, shopId: string, profileId: string) {
  const ledgers = await consentLedgersOf(q, shopId, [profileId]);
  return currentConsentState(ledgers.get(profileId) ?? []);
}

export function consentView(state: ConsentState) {
  return Object.fromEntries(CHANNELS.map((ch) => [ch, { granted: state[ch].granted, since: iso(state[ch].since) }]));
}

export function loyaltyView(row: Pick<ProfileRow, "loyalty_points" | "loyalty_tier">, settings: ShopSettings) {
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
    sql`SELECT kind, value, source, linked_at FROM identifiers WHERE shop_id = ${shopId} AND profile_id = ${profileId}
      ORDER BY linked_at, kind, value`,
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
export async function posCustomerView(
  q: Queryable,
  shopId: string,
  row: ProfileRow,
  settings: ShopSettings,
  now: Date,
) {
  const [ids, consent, duplicates] = await Promise.all([
    identifiersOf(q, shopId, row.id),
    consentStateOf(q, shopId, row.id),
    openDuplicateCount(q, shopId, row.id),
  ]);
  const shopifyCustomerId = ids.find((i) => i.kind === "shopify")?.value ?? null;
  return {
    ...customerSummary(row, settings, { shopifyCustomerId, identifiers: ids, consent, openDuplicates: duplicates }),
    asOf: now.toISOString(),
  };
}

/** A customer's emails and phones, from their identifiers, in the order given. */
export function contactsOf(identifiers: readonly { kind: string; value: string }[]) {
  const valuesOf = (kind: string) => identifiers.filter((i) => i.kind === kind).map((i) => i.value);
  return { emails: valuesOf("email"), phones: valuesOf("phone") };
}

/** The profile columns a customer summary is made of (the register reads no others). */
export const SUMMARY_COLUMNS = [
  "id",
  "first_name",
  "last_name",
  "lifecycle_stage",
  "order_count",
  "lifetime_spend",
  "pos_spend",
  "online_spend",
  "churn_risk",
  "engagement_score",
  "last_visit_at",
  "last_order_at",
  "loyalty_points",
  "loyalty_tier",
] as const satisfies readonly (keyof ProfileRow)[];

/**
 * What every view of a customer opens with, the register's one-statement read and the 360 alike: who
 * they are, their stage, spend, loyalty and consent now.
 */
export function customerSummary(
  row: Pick<ProfileRow, (typeof SUMMARY_COLUMNS)[number]>,
  settings: ShopSettings,
  held: {
    shopifyCustomerId: string | null;
    identifiers: readonly { kind: string; value: string }[];
    consent: ConsentState;
    openDuplicates: number;
  },
) {
  return {
    profileId: row.id,
    shopifyCustomerId: held.shopifyCustomerId,
    firstName: row.first_name,
    lastName: row.last_name,
    ...contactsOf(held.identifiers),
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
    consent: consentView(held.consent),
    openDuplicates: held.openDuplicates,
  };
}

/** The full 360 profile (`GET /api/profiles/:id`). */
export async function fullProfileView(
  q: Queryable,
  shopId: string,
  row: ProfileRow,
  settings: ShopSettings,
  now: Date,
) {
  const base = await posCustomerView(q, shopId, row, settings, now);
  const identifiers = await identifiersOf(q, shopId, row.id);
  const orderCount = row.order_count;
  const lifetimeMinor = wholeNumberOf(row.lifetime_spend);
  const lifetime = toMajorUnits(lifetimeMinor, settings.currency);
  const digits = minorUnitsOf(settings.currency);
  const [timeline, months, [refunded]] = await Promise.all([
    queryRows<TimelineRow>(q, timelineQuery(shopId, row.id, digits)),
    queryRows<{ month: string; orders: string | number; spend: string | number; refunds: string | number }>(
      q,
      monthlySpendQuery(shopId, row.id, settings.timeZone),
    ),
    queryRows<{ total: string | number | null }>(
      q,
      sql`SELECT sum(r.amount) AS total
          FROM refunds r JOIN orders o ON o.shop_id = r.shop_id AND o.order_id = r.order_id
          WHERE r.shop_id = ${shopId} AND o.profile_id = ${row.id}`,
    ),
  ]);
  // An order can be backdated (history imported from Shopify) before the profile's row was made: the
  // customer was seen no later than their first order.
  const firstSeen = [row.first_seen_at, row.first_order_at]
    .filter((d): d is Date => d != null)
    .map((d) => new Date(d).getTime());
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
      refunded: spendOf(refunded?.total ?? 0, settings.currency),
    },
    rfm: row.rfm_r == null ? null : { r: row.rfm_r, f: row.rfm_f, m: row.rfm_m },
    // What the scores mean, in the merchant's words (the shared churn rule's own explanation).
    rfmExplanation:
      row.rfm_r == null || row.rfm_f == null || row.rfm_m == null
        ? null
        : explainChurn({ r: row.rfm_r, f: row.rfm_f, m: row.rfm_m } as RfmScores),
    ltv: { historical: lifetime, predicted90d: spendOf(row.ltv_predicted_90d, settings.currency) },
    nextOrderAt: iso(row.next_order_at),
    engagementScore: row.engagement_score,
    firstSeenAt: firstSeen.length ? new Date(Math.min(...firstSeen)).toISOString() : null,
    lastActivityAt: iso(row.last_activity_at),
    spendOverTime: months.map((m) => ({
      month: m.month,
      orders: Number(m.orders),
      spend: spendOf(m.spend, settings.currency),
      refunds: spendOf(m.refunds, settings.currency),
    })),
    timeline: timeline.map((t) => ({
      kind: t.kind,
      id: t.id,
      at: iso(t.at),
      summary: t.summary,
      ...(t.amount == null ? {} : { amount: spendOf(t.amount, settings.currency) }),
      ...(t.products == null ? {} : { products: t.products }),
    })),
  };
}

interface TimelineRow {
  kind: string;
  id: string;
  at: Date | string;
  summary: string;
  /** Minor units: an order's total, or a refund's amount (negative: money going back). */
  amount: string | number | null;
  products: string[] | null;
}

/**
 * The 50 newest things that happened to a customer. Orders name their products; refunds are rows of
 * their own, so four orders beside a smaller lifetime spend add up on the page.
 */
function timelineQuery(shopId: string, profileId: string, digits: number) {
  const major = (column: SQL) => sql`round(${column}::numeric / 10::numeric ^ ${digits}, ${digits})::text`;
  return sql`(SELECT 'order' AS kind, o.order_id AS id, o.placed_at AS at,
                concat(${major(sql`o.total`)}, ' ', o.currency, ' via ', coalesce(o.source_name, 'online'),
                       CASE WHEN o.cancelled_at IS NOT NULL THEN ' (cancelled)' ELSE '' END) AS summary,
                o.total AS amount,
                (SELECT array_agg(CASE WHEN l.quantity > 1 THEN concat(l.title, ' × ', l.quantity) ELSE l.title END
                                  ORDER BY l.line_id)
                   FROM order_lines l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id) AS products
           FROM orders o WHERE o.shop_id = ${shopId} AND o.profile_id = ${profileId})
        UNION ALL (SELECT 'refund', r.refund_id, r.created_at,
                          concat('refund of ', ${major(sql`r.amount`)}, ' ', o.currency, ' on order ', o.order_id),
                          -r.amount, NULL
                   FROM refunds r JOIN orders o ON o.shop_id = r.shop_id AND o.order_id = r.order_id
                   WHERE r.shop_id = ${shopId} AND o.profile_id = ${profileId})
        UNION ALL (SELECT 'visit', id, at, concat('visit (', source, ')'), NULL, NULL
                   FROM visits WHERE shop_id = ${shopId} AND profile_id = ${profileId})
        UNION ALL (SELECT 'consent', id, acted_at, concat(channel, ' ', action), NULL, NULL
                   FROM consents WHERE shop_id = ${shopId} AND profile_id = ${profileId})
        UNION ALL (SELECT 'message', id, at, concat(channel, ' ', kind, ' ', status, ' (', reason, ')'), NULL, NULL
                   FROM messages WHERE shop_id = ${shopId} AND profile_id = ${profileId})
        UNION ALL (SELECT 'merge', id, created_at, reason, NULL, NULL FROM merges
                   WHERE shop_id = ${shopId} AND undone_at IS NULL
                     AND (survivor_id = ${profileId} OR merged_id = ${profileId}))
        ORDER BY at DESC LIMIT 50`;
}

/** Spend per calendar month in the shop's time zone: orders (not cancelled) by when placed, refunds by when made. */
function monthlySpendQuery(shopId: string, profileId: string, timeZone: string) {
  return sql`SELECT month, sum(orders) AS orders, sum(spend) AS spend, sum(refunds) AS refunds FROM (
        SELECT to_char(o.placed_at AT TIME ZONE ${timeZone}, 'YYYY-MM') AS month,
               1 AS orders, o.total AS spend, 0 AS refunds
          FROM orders o WHERE o.shop_id = ${shopId} AND o.profile_id = ${profileId} AND o.cancelled_at IS NULL
        UNION ALL
        SELECT to_char(r.created_at AT TIME ZONE ${timeZone}, 'YYYY-MM'), 0, 0, r.amount
          FROM refunds r JOIN orders o ON o.shop_id = r.shop_id AND o.order_id = r.order_id
          WHERE r.shop_id = ${shopId} AND o.profile_id = ${profileId}) m
      GROUP BY month ORDER BY month`;
}
