import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { scanProbableDuplicates } from "./probabilistic-scan";
import type { ShopContext } from "./shop";

const DAY_MS = 86_400_000;
const PERCENTILES = sql`ARRAY[0.2, 0.4, 0.6, 0.8]::float8[]`;

export interface RfmBreaks {
  frequency: number[];
  monetary: number[];
}

/**
 * The shop's RFM quintile cut points over its active customers who have ordered: order counts and
 * average order values. `percentile_cont` is the definition shared `quintileBreaks` reproduces.
 */
export async function refreshRfmBreaks(q: Queryable, shopId: string): Promise<RfmBreaks> {
  const [row] = await queryRows<{ breaks: RfmBreaks | string }>(
    q,
    sql`UPDATE shops s SET rfm_breaks = jsonb_build_object(
          'frequency', coalesce(to_jsonb(x.f), '[]'::jsonb), 'monetary', coalesce(to_jsonb(x.m), '[]'::jsonb))
        FROM (SELECT percentile_cont(${PERCENTILES}) WITHIN GROUP (ORDER BY order_count::float8) AS f,
                     percentile_cont(${PERCENTILES}) WITHIN GROUP (ORDER BY lifetime_spend::float8 / order_count) AS m
              FROM profiles WHERE shop_id = ${shopId} AND status = 'active' AND order_count > 0) x
        WHERE s.shop_id = ${shopId}
        RETURNING s.rfm_breaks AS breaks`,
  );
  const breaks = row?.breaks ?? { frequency: [], monetary: [] };
  return typeof breaks === "string" ? JSON.parse(breaks) : breaks;
}

/**
 * Re-stages every active profile of the shop in one statement: lifecycle stage, RFM and churn risk,
 * exactly as shared `lifecycleStage`, `rfmScores` and `churnRisk` compute them for one profile (the
 * test holds the two side by side). Profiles whose values change get a change-feed version each,
 * taken from `shops.change_version` in the same statement, so devices pull them.
 */
export async function restageShop(q: Queryable, shop: ShopContext, now: Date): Promise<{ profiles: number; changed: number }> {
  const { shopId } = shop;
  const l = shop.settings.lifecycle;
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  // "No activity for more than N days" is strict, so the cut is a timestamp: quiet since before now − N days.
  // Recency "within 30 days" counts whole days, so ≤ 30 whole days means later than now − 31 days.
  const [row] = await queryRows<{ profiles: string | number; changed: string | number }>(
    q,
    sql`WITH b AS (
          SELECT ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(coalesce(rfm_breaks -> 'frequency', '[]'::jsonb)) x) AS f,
                 ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(coalesce(rfm_breaks -> 'monetary', '[]'::jsonb)) x) AS m
          FROM shops WHERE shop_id = ${shopId}),
        v AS (
          SELECT profile_id, count(*) AS n FROM (
            SELECT profile_id FROM visits WHERE shop_id = ${shopId} AND at > ${before(l.engagementLookbackDays)}
            UNION ALL
            SELECT profile_id FROM identity_events WHERE shop_id = ${shopId} AND source IN ('identify', 'capture')
              AND at > ${before(l.engagementLookbackDays)}) e
          GROUP BY profile_id),
        f AS (
          SELECT p.id, p.order_count, p.last_order_at, coalesce(p.last_activity_at, p.first_seen_at) AS last_active,
                 CASE WHEN p.order_count > 0 THEN p.lifetime_spend::float8 / p.order_count END AS aov,
                 coalesce(v.n, 0) AS visits
          FROM profiles p LEFT JOIN v ON v.profile_id = p.id
          WHERE p.shop_id = ${shopId} AND p.status = 'active'),
        scored AS (
          SELECT f.id,
            CASE WHEN f.last_active < ${before(l.churnedDays)} THEN 'churned'
                 WHEN f.order_count > 0 AND f.last_active < ${before(l.atRiskDays)} THEN 'at_risk'
                 WHEN f.order_count >= 2 THEN 'loyal'
                 WHEN f.order_count = 1 THEN 'converted'
                 WHEN f.visits >= ${l.engagedMinVisits} THEN 'engaged'
                 ELSE 'new' END AS stage,
            CASE WHEN f.order_count > 0 THEN
              CASE WHEN f.last_order_at > ${before(31)} THEN 5 WHEN f.last_order_at > ${before(61)} THEN 4
                   WHEN f.last_order_at > ${before(121)} THEN 3 WHEN f.last_order_at > ${before(241)} THEN 2 ELSE 1 END
            END AS r,
            CASE WHEN f.order_count > 0 THEN 1 + (SELECT count(*) FROM unnest(b.f) x WHERE f.order_count > x)::int END AS fq,
            CASE WHEN f.order_count > 0 THEN 1 + (SELECT count(*) FROM unnest(b.m) x WHERE f.aov > x)::int END AS m
          FROM f CROSS JOIN b),
        next AS (
          SELECT id, stage, r, fq, m,
                 (round((60 * (5 - r) + 25 * (5 - fq) + 15 * (5 - m)) * 2.5) / 1000)::real AS churn
          FROM scored),
        changed AS (
          UPDATE profiles p SET lifecycle_stage = n.stage, rfm_r = n.r, rfm_f = n.fq, rfm_m = n.m, churn_risk = n.churn, updated_at = ${now}
          FROM next n
          WHERE p.shop_id = ${shopId} AND p.id = n.id
            AND (p.lifecycle_stage, p.rfm_r::int, p.rfm_f::int, p.rfm_m::int, p.churn_risk) IS DISTINCT FROM (n.stage, n.r, n.fq, n.m, n.churn)
          RETURNING p.id),
        bump AS (
          UPDATE shops SET change_version = change_version + (SELECT count(*) FROM changed)
          WHERE shop_id = ${shopId}
          RETURNING change_version - (SELECT count(*) FROM changed) AS base),
        feed AS (
          INSERT INTO profile_changes (shop_id, profile_id, version, kind, changed_at)
          SELECT ${shopId}, c.id, bump.base + row_number() OVER (ORDER BY c.id), 'upsert', ${now} FROM changed c CROSS JOIN bump
          ON CONFLICT (shop_id, profile_id) DO UPDATE SET version = excluded.version, kind = excluded.kind, changed_at = excluded.changed_at
          RETURNING 1)
        SELECT (SELECT count(*) FROM next) AS profiles, (SELECT count(*) FROM changed) AS changed`,
  );
  return { profiles: Number(row?.profiles ?? 0), changed: Number(row?.changed ?? 0) };
}

/** The nightly (or on-demand) whole-shop pass: fresh RFM breaks, every profile re-staged, duplicates scanned. */
export async function recomputeShop(q: Queryable, shop: ShopContext, now: Date) {
  const started = performance.now();
  const breaks = await refreshRfmBreaks(q, shop.shopId);
  const { profiles, changed } = await restageShop(q, shop, now);
  const candidates = await scanProbableDuplicates(q, shop.shopId, now);
  return { profiles, changed, rfmBreaks: breaks, newCandidates: candidates, ms: Math.round(performance.now() - started) };
}
