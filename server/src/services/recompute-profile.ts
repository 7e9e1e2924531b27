import {
  churnRisk,
  lifecycleStage,
  lifetimeValue,
  predictNextOrder,
  rfmScores,
  rollingYearPoints,
  tierFor,
  type ShopSettings,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { recordProfileChange } from "./shop";

interface Facts {
  order_count: string | number;
  lifetime: string | number | null;
  pos: string | number | null;
  online: string | number | null;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
  order_dates: string[] | string | null;
  preferred_location_id: string | null;
  visit_count: string | number;
  last_visit_at: Date | string | null;
  visits_in_lookback: string | number;
  last_event_at: Date | string | null;
  first_seen_at: Date | string;
  rfm_breaks: { frequency: number[]; monetary: number[] } | string | null;
  ledger: unknown;
}

const toDate = (v: Date | string | null | undefined): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v));
const latest = (...dates: (Date | null)[]): Date | null =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);

/**
 * Recomputes one profile from its events: order aggregates (net of refunds, cancelled orders left out),
 * visits, lifecycle, RFM, churn, LTV, next order and loyalty. Derived from source rows every time, so
 * the result never depends on the order events arrived in.
 */
export async function recomputeProfile(q: Queryable, shopId: string, profileId: string, settings: ShopSettings, now: Date): Promise<void> {
  const lookbackStart = new Date(now.getTime() - settings.lifecycle.engagementLookbackDays * 86_400_000);
  const [facts] = await queryRows<Facts>(
    q,
    sql`WITH o AS (
          SELECT o.order_id, o.source_name, o.location_id, o.placed_at,
                 o.total - coalesce((SELECT sum(r.amount) FROM refunds r WHERE r.shop_id = o.shop_id AND r.order_id = o.order_id), 0) AS net
          FROM orders o WHERE o.shop_id = ${shopId} AND o.profile_id = ${profileId} AND o.cancelled_at IS NULL),
        v AS (SELECT at FROM visits WHERE shop_id = ${shopId} AND profile_id = ${profileId})
        SELECT (SELECT count(*) FROM o) AS order_count,
               (SELECT sum(net) FROM o) AS lifetime,
               (SELECT sum(net) FROM o WHERE source_name = 'pos') AS pos,
               (SELECT sum(net) FROM o WHERE source_name IS DISTINCT FROM 'pos') AS online,
               (SELECT min(placed_at) FROM o) AS first_order_at,
               (SELECT max(placed_at) FROM o) AS last_order_at,
               (SELECT json_agg(placed_at ORDER BY placed_at) FROM o) AS order_dates,
               (SELECT mode() WITHIN GROUP (ORDER BY location_id) FROM o WHERE location_id IS NOT NULL) AS preferred_location_id,
               (SELECT count(*) FROM v) AS visit_count,
               (SELECT max(at) FROM v) AS last_visit_at,
               (SELECT count(*) FROM v WHERE at > ${lookbackStart})
                 + (SELECT count(*) FROM identity_events e WHERE e.shop_id = ${shopId} AND e.profile_id = ${profileId}
                      AND e.source IN ('identify', 'capture') AND e.at > ${lookbackStart}) AS visits_in_lookback,
               (SELECT max(at) FROM identity_events e WHERE e.shop_id = ${shopId} AND e.profile_id = ${profileId}) AS last_event_at,
               p.first_seen_at,
               (SELECT rfm_breaks FROM shops WHERE shop_id = ${shopId}) AS rfm_breaks,
               (SELECT json_agg(json_build_object('kind', l.kind, 'points', l.points, 'at', l.at))
                  FROM loyalty_ledger l WHERE l.shop_id = ${shopId} AND l.profile_id = ${profileId}) AS ledger
        FROM profiles p WHERE p.shop_id = ${shopId} AND p.id = ${profileId}`,
  );
  if (!facts) return;

  const orderCount = Number(facts.order_count);
  const lifetimeSpend = round2(Number(facts.lifetime ?? 0));
  const orderDates = parseJson<string[]>(facts.order_dates, []).map((d) => new Date(d));
  const lastOrderAt = toDate(facts.last_order_at);
  const lastVisitAt = toDate(facts.last_visit_at);
  const lastActivityAt = latest(lastOrderAt, lastVisitAt, toDate(facts.last_event_at));
  const firstSeenAt = toDate(facts.first_seen_at)!;

  const stage = lifecycleStage(
    { firstSeenAt, lastActivityAt, orderCount, visitsInLookback: Number(facts.visits_in_lookback) },
    settings.lifecycle,
    now,
  ).stage;
  const breaks = parseJson<{ frequency: number[]; monetary: number[] } | null>(facts.rfm_breaks, null);
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
  const nextOrderAt = predictNextOrder(orderDates);

  const ledger = parseJson<{ kind: "earn" | "clawback" | "adjust"; points: number; at: string }[]>(facts.ledger, []);
  const balance = ledger.reduce((sum, e) => sum + Number(e.points), 0);
  const tier = tierFor(
    rollingYearPoints(
      ledger.map((e) => ({ kind: e.kind, points: Number(e.points), at: toDate(e.at)! })),
      now,
    ),
    settings.loyalty.tiers,
  ).tier;

  await q.execute(sql`UPDATE profiles SET
      order_count = ${orderCount}, lifetime_spend = ${lifetimeSpend},
      pos_spend = ${round2(Number(facts.pos ?? 0))}, online_spend = ${round2(Number(facts.online ?? 0))},
      first_order_at = ${toDate(facts.first_order_at)}, last_order_at = ${lastOrderAt},
      preferred_location_id = ${facts.preferred_location_id},
      visit_count = ${Number(facts.visit_count)}, last_visit_at = ${lastVisitAt}, last_activity_at = ${lastActivityAt},
      lifecycle_stage = ${stage},
      rfm_r = ${rfm?.r ?? null}, rfm_f = ${rfm?.f ?? null}, rfm_m = ${rfm?.m ?? null},
      churn_risk = ${rfm ? churnRisk(rfm) : null},
      ltv_predicted_90d = ${ltv.predicted90d}, next_order_at = ${nextOrderAt},
      loyalty_points = ${balance}, loyalty_tier = ${tier}, updated_at = ${now}
    WHERE shop_id = ${shopId} AND id = ${profileId}`);
  await recordProfileChange(q, shopId, profileId, "upsert");
}

/** jsonb arrives parsed from PGlite and as text or parsed from postgres-js, depending on the query path. */
const parseJson = <T>(v: unknown, fallback: T): T => (v == null ? fallback : typeof v === "string" ? (JSON.parse(v) as T) : (v as T));
const round2 = (n: number) => Math.round(n * 100) / 100;
const wholeDaysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / 86_400_000);
