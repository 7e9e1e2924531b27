import {
  churnRisk,
  engagementScore,
  lifecycleStage,
  lifetimeValue,
  predictNextOrder,
  rfmScores,
  rollingYearPoints,
  tierFor,
  viewedNotBought,
  type ShopSettings,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { jsonOr, queryRows } from "../../db/rows";
import { recordProfileChanges } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";

interface Facts {
  id: string;
  order_count: string | number | null;
  lifetime: string | number | null;
  pos: string | number | null;
  online: string | number | null;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
  order_dates: string[] | string | null;
  preferred_location_id: string | null;
  visit_count: string | number | null;
  last_visit_at: Date | string | null;
  visits_in_lookback: string | number | null;
  store_visits: string | number | null;
  last_event_at: Date | string | null;
  first_seen_at: Date | string;
  rfm_breaks: { frequency: number[]; monetary: number[] } | string | null;
  ledger: unknown;
  web_sessions: string | number | null;
  last_web_at: Date | string | null;
  viewed: unknown;
  bought: unknown;
  opens: string | number | null;
  replies: string | number | null;
  clicks: string | number | null;
  last_response_at: Date | string | null;
}

const toDate = (v: Date | string | null | undefined): Date | null =>
  v == null ? null : v instanceof Date ? v : new Date(v);
const latest = (...dates: (Date | null)[]): Date | null =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);

/** Recomputes one profile; see {@link recomputeProfiles}. */
export async function recomputeProfile(
  q: Queryable,
  shopId: string,
  profileId: string,
  settings: ShopSettings,
  now: Date,
): Promise<void> {
  await recomputeProfiles(q, shopId, [profileId], settings, now);
}

/**
 * Recomputes profiles from their events: order aggregates (net of refunds, cancelled orders left out),
 * visits, lifecycle, RFM, churn, LTV, next order and loyalty. Derived from source rows every time, so
 * the result never depends on the order events arrived in. Any number of profiles costs three
 * statements: one read of their facts, one UPDATE and one change-feed write.
 */
export async function recomputeProfiles(
  q: Queryable,
  shopId: string,
  profileIds: readonly string[],
  settings: ShopSettings,
  now: Date,
): Promise<void> {
  const ids = [...new Set(profileIds)];
  if (ids.length === 0) return;
  const lookbackStart = new Date(now.getTime() - settings.lifecycle.engagementLookbackDays * 86_400_000);
  const facts = await queryRows<Facts>(
    q,
    // The named IDs drive every lookup (LATERAL, so no plan can start from the shop's whole profile table,
    // as one did on stale statistics; LIMIT 1 keeps the planner from flattening the primary-key lookup into a
    // hash join over the shop): a handful of index probes per profile, however large the shop.
    sql`WITH devices AS MATERIALIZED (
          SELECT i.profile_id, i.value FROM identifiers i
          WHERE i.shop_id = ${shopId} AND i.kind = 'device' AND i.profile_id = ANY(${sqlTextArray(ids)}))
        SELECT p.id, oa.order_count, oa.lifetime, oa.pos, oa.online, oa.first_order_at, oa.last_order_at,
      oa.order_dates,
               oa.preferred_location_id, va.visit_count, va.last_visit_at,
               va.recent + ea.recent AS visits_in_lookback, va.recent AS store_visits, ea.last_event_at,
                 p.first_seen_at,
               (SELECT rfm_breaks FROM shops WHERE shop_id = ${shopId}) AS rfm_breaks, la.ledger,
               wa.web_sessions, wa.last_web_at, wa.viewed, oa.bought, ma.opens, ma.replies, ma.clicks,
                 ma.last_response_at
        FROM unnest(${sqlTextArray(ids)}) AS ids(id)
        CROSS JOIN LATERAL (SELECT id, first_seen_at FROM profiles WHERE shop_id = ${shopId} AND id = ids.id LIMIT 1) p
        CROSS JOIN LATERAL (
          SELECT count(*) AS order_count, sum(net) AS lifetime,
                 sum(net) FILTER (WHERE source_name = 'pos') AS pos,
                 sum(net) FILTER (WHERE source_name IS DISTINCT FROM 'pos') AS online,
                 min(placed_at) AS first_order_at, max(placed_at) AS last_order_at,
                 json_agg(placed_at ORDER BY placed_at) AS order_dates,
                 mode() WITHIN GROUP (ORDER BY location_id) FILTER (WHERE location_id IS NOT NULL) AS
                   preferred_location_id,
                 (SELECT json_agg(DISTINCT ol.product_id) FROM orders bo
                    JOIN order_lines ol ON ol.shop_id = bo.shop_id AND ol.order_id = bo.order_id
                    WHERE bo.shop_id = ${shopId} AND bo.profile_id = p.id AND ol.product_id IS NOT NULL) AS bought
          FROM (SELECT o.source_name, o.location_id, o.placed_at,
                       -- spend is in the shop's currency only (another is never added at face value), and an
                       -- order refunded past its total counts 0, never a negative amount
                       CASE WHEN o.currency = ${settings.currency}
                         THEN greatest(0, o.total - coalesce((SELECT sum(r.amount) FROM refunds r
                           WHERE r.shop_id = o.shop_id AND r.order_id = o.order_id), 0))
                         ELSE 0 END AS net
                FROM orders o WHERE o.shop_id = ${shopId} AND o.profile_id = p.id AND o.cancelled_at IS NULL) o) oa
        CROSS JOIN LATERAL (
          SELECT count(*) AS visit_count, max(at) AS last_visit_at,
            count(*) FILTER (WHERE at > ${lookbackStart}) AS recent
          FROM visits v WHERE v.shop_id = ${shopId} AND v.profile_id = p.id) va
        CROSS JOIN LATERAL (
          SELECT max(at) AS last_event_at, count(*) FILTER (WHERE source IN ('identify', 'capture')
            AND at > ${lookbackStart}) AS recent
          FROM identity_events e WHERE e.shop_id = ${shopId} AND e.profile_id = p.id) ea
        CROSS JOIN LATERAL (
          SELECT json_agg(json_build_object('kind', kind, 'points', points, 'at', at)) AS ledger
          FROM loyalty_ledger l WHERE l.shop_id = ${shopId} AND l.profile_id = p.id) la
        -- Web events belong to a browser; they count for the profile holding that browser's client id. The
        -- profiles' device ids are read once, above: per profile, on statistics taken before a tablet's first
        -- push of thousands of captures, the plan walked every device id of the shop for each profile (5 ms
        -- each, 2.8 s for a push of 500, growing with every push).
        CROSS JOIN LATERAL (
          SELECT count(DISTINCT w.session_id) FILTER (WHERE w.at > ${lookbackStart}) AS web_sessions,
            max(w.at) AS last_web_at,
                 json_agg(json_build_object('productId', w.product_id, 'at', w.at))
                   FILTER (WHERE w.name = 'product_viewed' AND w.product_id IS NOT NULL
                     AND w.at > ${lookbackStart}) AS viewed
          FROM devices d JOIN web_events w ON w.shop_id = ${shopId} AND w.client_id = d.value
          WHERE d.profile_id = p.id) wa
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE kind = 'opened') AS opens, count(*) FILTER (WHERE kind = 'replied') AS replies,
                 count(*) FILTER (WHERE kind = 'clicked') AS clicks,
                 max(at) FILTER (WHERE kind IN ('replied', 'clicked')) AS last_response_at
          FROM message_events m WHERE m.shop_id = ${shopId} AND m.profile_id = p.id AND m.at > ${lookbackStart}) ma`,
  );
  if (facts.length === 0) return;
  const rows = facts.map((f) => aggregatesFromFacts(f, settings, now));
  await q.execute(sql`UPDATE profiles p SET
      order_count = x.order_count, lifetime_spend = x.lifetime_spend, pos_spend = x.pos_spend,
        online_spend = x.online_spend,
      first_order_at = x.first_order_at, last_order_at = x.last_order_at,
        preferred_location_id = x.preferred_location_id,
      visit_count = x.visit_count, last_visit_at = x.last_visit_at, last_activity_at = x.last_activity_at,
      lifecycle_stage = x.lifecycle_stage, rfm_r = x.rfm_r, rfm_f = x.rfm_f, rfm_m = x.rfm_m, churn_risk = x.churn_risk,
      ltv_predicted_90d = x.ltv_predicted_90d, next_order_at = x.next_order_at,
      loyalty_points = x.loyalty_points, loyalty_tier = x.loyalty_tier, engagement_score = x.engagement_score,
      web_sessions_30d = x.web_sessions_30d, last_seen_online_at = x.last_seen_online_at,
      viewed_product_ids = x.viewed_product_ids, updated_at = ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
      id text, order_count integer, lifetime_spend bigint, pos_spend bigint, online_spend bigint,
      first_order_at timestamptz, last_order_at timestamptz, preferred_location_id text, visit_count integer,
      last_visit_at timestamptz, last_activity_at timestamptz, lifecycle_stage text, rfm_r smallint, rfm_f smallint,
      rfm_m smallint, churn_risk real, ltv_predicted_90d bigint, next_order_at timestamptz, loyalty_points bigint,
        loyalty_tier text,
      engagement_score real, web_sessions_30d integer, last_seen_online_at timestamptz, viewed_product_ids jsonb)
    WHERE p.shop_id = ${shopId} AND p.id = x.id`);
  await recordProfileChanges(
    q,
    shopId,
    rows.map((r) => r.id),
    "upsert",
  );
}

/** One profile's stored aggregates from its facts, by the shared rules. */
function aggregatesFromFacts(facts: Facts, settings: ShopSettings, now: Date) {
  const orderCount = Number(facts.order_count ?? 0);
  // Money here is whole minor units of the shop's currency (RFM cut points and LTV are in the same unit).
  const lifetimeSpend = Math.round(Number(facts.lifetime ?? 0));
  const orderDates = jsonOr<string[]>(facts.order_dates, []).map((d) => new Date(d));
  const lastOrderAt = toDate(facts.last_order_at);
  const lastVisitAt = toDate(facts.last_visit_at);
  const lastWebAt = toDate(facts.last_web_at);
  // A reply or a click is the customer acting; an open may be their mail client's, so it is not activity.
  const lastActivityAt = latest(
    lastOrderAt,
    lastVisitAt,
    toDate(facts.last_event_at),
    lastWebAt,
    toDate(facts.last_response_at),
  );
  const firstSeenAt = toDate(facts.first_seen_at)!;
  const webSessions = Number(facts.web_sessions ?? 0);
  const replies = Number(facts.replies ?? 0);
  const clicks = Number(facts.clicks ?? 0);
  // SPEC lifecycle "engaged": visits, sessions or engagements in the lookback; the same sum as restageShop's.
  const activity = Number(facts.visits_in_lookback ?? 0) + webSessions + replies + clicks;

  const stage = lifecycleStage(
    { firstSeenAt, lastActivityAt, orderCount, visitsInLookback: activity },
    settings.lifecycle,
    now,
  ).stage;
  const breaks = jsonOr<{ frequency: number[]; monetary: number[] } | null>(facts.rfm_breaks, null);
  const rfm =
    orderCount > 0
      ? rfmScores(
          {
            daysSinceLastOrder: lastOrderAt ? wholeDaysBetween(lastOrderAt, now) : null,
            orderCount,
            averageOrderValue: lifetimeSpend / orderCount,
          },
          breaks ?? { frequency: [1, 1, 2, 3], monetary: [0, 0, 0, 0] },
        )
      : null;
  const ltv = lifetimeValue({ lifetimeSpend, orderDates, firstOrderAt: toDate(facts.first_order_at) }, now);

  const ledger = jsonOr<{ kind: "earn" | "clawback" | "adjust"; points: number; at: string }[]>(facts.ledger, []);
  const tier = tierFor(
    rollingYearPoints(
      ledger.map((e) => ({ kind: e.kind, points: Number(e.points), at: toDate(e.at)! })),
      now,
    ),
    settings.loyalty.tiers,
  ).tier;

  return {
    id: facts.id,
    order_count: orderCount,
    lifetime_spend: lifetimeSpend,
    pos_spend: Math.round(Number(facts.pos ?? 0)),
    online_spend: Math.round(Number(facts.online ?? 0)),
    first_order_at: toDate(facts.first_order_at)?.toISOString() ?? null,
    last_order_at: lastOrderAt?.toISOString() ?? null,
    preferred_location_id: facts.preferred_location_id,
    visit_count: Number(facts.visit_count ?? 0),
    last_visit_at: lastVisitAt?.toISOString() ?? null,
    last_activity_at: lastActivityAt?.toISOString() ?? null,
    lifecycle_stage: stage,
    rfm_r: rfm?.r ?? null,
    rfm_f: rfm?.f ?? null,
    rfm_m: rfm?.m ?? null,
    churn_risk: rfm ? churnRisk(rfm) : null,
    ltv_predicted_90d: Math.round(ltv.predicted90d),
    next_order_at: predictNextOrder(orderDates)?.toISOString() ?? null,
    loyalty_points: ledger.reduce((sum, e) => sum + Number(e.points), 0),
    loyalty_tier: tier,
    engagement_score: engagementScore({
      opens30d: Number(facts.opens ?? 0),
      replies30d: replies,
      clicks30d: clicks,
      visits30d: Number(facts.store_visits ?? 0) + webSessions,
    }),
    web_sessions_30d: webSessions,
    last_seen_online_at: lastWebAt?.toISOString() ?? null,
    viewed_product_ids: viewedNotBought(
      jsonOr<{ productId: string; at: string }[]>(facts.viewed, []).map((v) => ({
        productId: v.productId,
        at: new Date(v.at),
      })),
      jsonOr<string[]>(facts.bought, []),
      10,
    ),
  };
}

const wholeDaysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / 86_400_000);
