import { ENGAGEMENT_WEIGHTS } from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { withWholeSetPlanning } from "../db/whole-set";
import { queryRows, jsonOf } from "../db/rows";
import { scanProbableDuplicates } from "../services/identity/probabilistic-scan";
import type { ShopContext } from "../services/shop/shop";

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
  return jsonOf(breaks);
}

/** The shop's stored RFM cut points (the last whole-shop pass's). */
async function storedRfmBreaks(q: Queryable, shopId: string): Promise<RfmBreaks> {
  const [row] = await queryRows<{ breaks: RfmBreaks | string | null }>(
    q,
    sql`SELECT rfm_breaks AS breaks FROM shops WHERE shop_id = ${shopId}`,
  );
  const breaks = row?.breaks ?? { frequency: [], monetary: [] };
  return jsonOf(breaks);
}

/**
 * Shared `quintileScore` in SQL with the cut points as constants: 1 + the number of breaks the value is strictly above.
 */
const quintileSql = (value: SQL, breaks: readonly number[]) =>
  sql`(1${sql.join(
    breaks.map((b) => sql` + (${value} > ${b}::float8)::int`),
    sql``,
  )})`;

/** The recent signals of a profile, as SQL over `p` and the per-profile counts. */
interface Signals {
  /** Visits, sessions and engagements for the lifecycle ("engaged"). */
  activity: SQL;
  /** Store visits plus web sessions, opens, and replies plus clicks, for the engagement score. */
  visits: SQL;
  sessions: SQL;
  opens: SQL;
  responses: SQL;
}

/**
 * Shared `engagementScore` in SQL: the same terms in the same order, each weight × min(count / saturation, 1),
 * summed in float8 and rounded half up to 3 decimals as Math.round does, so both write the same real.
 */
function engagementSql(s: Signals): SQL {
  const term = (count: SQL, w: { weight: number; saturatesAt: number }) =>
    sql`${w.weight}::float8 * least(${count}::float8 / ${w.saturatesAt}::float8, 1::float8)`;
  const W = ENGAGEMENT_WEIGHTS;
  const sum = sql`0::float8 + ${term(s.responses, W.replies30d)} + ${term(s.visits, W.visits30d)}
    + ${term(s.opens, W.opens30d)}`;
  return sql`(floor((${sum}) * 1000 + 0.5) / 1000)::real`;
}

/**
 * Re-stages every active profile of the shop in one statement: lifecycle stage, RFM and churn risk,
 * exactly as shared `lifecycleStage`, `rfmScores` and `churnRisk` compute them for one profile (the
 * test holds the two side by side). Only profiles whose values change are written, and only they get a
 * change-feed version each, taken from `shops.change_version` in the same statement, so devices pull
 * them. `breaks` defaults to the shop's stored cut points.
 */
export async function restageShop(
  q: Queryable,
  shop: ShopContext,
  now: Date,
  breaks?: RfmBreaks,
): Promise<{ profiles: number; changed: number }> {
  const { shopId } = shop;
  const l = shop.settings.lifecycle;
  const cuts = breaks ?? (await storedRfmBreaks(q, shopId));
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  // "No activity for more than N days" is strict, so the cut is a timestamp: quiet since before now − N days.
  // Recency "within 30 days" counts whole days, so ≤ 30 whole days means later than now − 31 days.
  // The new values from the profile row and its visits in the lookback, as SQL over `p`.
  const values = (signals: Signals) => {
    const visits = signals.activity;
    const r = sql`CASE WHEN p.order_count > 0 THEN
        CASE WHEN p.last_order_at > ${before(31)} THEN 5 WHEN p.last_order_at > ${before(61)} THEN 4
             WHEN p.last_order_at > ${before(121)} THEN 3 WHEN p.last_order_at > ${before(241)} THEN 2 ELSE 1 END END`;
    const fq = sql`CASE WHEN p.order_count > 0 THEN ${quintileSql(sql`p.order_count::float8`, cuts.frequency)} END`;
    const averageOrder = sql`(p.lifetime_spend::float8 / p.order_count)`;
    const m = sql`CASE WHEN p.order_count > 0 THEN ${quintileSql(averageOrder, cuts.monetary)} END`;
    return {
      stage: sql`CASE WHEN coalesce(p.last_activity_at, p.first_seen_at) < ${before(l.churnedDays)} THEN 'churned'
        WHEN p.order_count > 0 AND coalesce(p.last_activity_at, p.first_seen_at) < ${before(l.atRiskDays)}
          THEN 'at_risk'
        WHEN p.order_count >= 2 THEN 'loyal'
        WHEN p.order_count = 1 THEN 'converted'
        WHEN ${visits} >= ${l.engagedMinVisits} THEN 'engaged'
        ELSE 'new' END`,
      r,
      fq,
      m,
      churn: sql`(round((60 * (5 - ${r}) + 25 * (5 - ${fq}) + 15 * (5 - ${m})) * 2.5) / 1000)::real`,
      engagement: engagementSql(signals),
      sessions: sql`(${signals.sessions})::int`,
    };
  };
  // Each active profile is written by one of the two updates, and only when a value changes. Splitting
  // by "has visits" spares a join of the whole shop with itself: most rows need only their own columns.
  const restage = (signals: Signals, from: SQL, which: SQL) => {
    const n = values(signals);
    return sql`UPDATE profiles p SET lifecycle_stage = ${n.stage}, rfm_r = ${n.r}, rfm_f = ${n.fq}, rfm_m = ${n.m},
      churn_risk = ${n.churn},
        engagement_score = ${n.engagement}, web_sessions_30d = ${n.sessions}, updated_at = ${now}
      ${from}
      WHERE p.shop_id = ${shopId} AND p.status = 'active' AND ${which}
        AND (p.lifecycle_stage, p.rfm_r::int, p.rfm_f::int, p.rfm_m::int, p.churn_risk, p.engagement_score,
          p.web_sessions_30d)
          IS DISTINCT FROM (${n.stage}, ${n.r}, ${n.fq}, ${n.m}, ${n.churn}, ${n.engagement}, ${n.sessions})
      RETURNING p.id`;
  };
  const none = sql`0`;
  const quiet: Signals = { activity: none, visits: none, sessions: none, opens: none, responses: none };
  const counted: Signals = {
    activity: sql`v.n`,
    visits: sql`v.visits`,
    sessions: sql`v.sessions`,
    opens: sql`v.opens`,
    responses: sql`v.responses`,
  };
  const since = before(l.engagementLookbackDays);
  const statement = sql`
        WITH v AS (
          -- Per profile: activity (lifecycle), store visits + web sessions, sessions, opens, replies + clicks.
          SELECT profile_id, sum(act) AS n, sum(vis) AS visits, sum(sess) AS sessions, sum(op) AS opens,
            sum(resp) AS responses FROM (
            SELECT profile_id, 1 AS act, 1 AS vis, 0 AS sess, 0 AS op, 0 AS resp
            FROM visits WHERE shop_id = ${shopId} AND at > ${since}
            UNION ALL
            SELECT profile_id, 1, 0, 0, 0, 0 FROM identity_events WHERE shop_id = ${shopId}
              AND source IN ('identify', 'capture')
              AND at > ${since}
            UNION ALL
            -- Web events count for the profile that holds the browser's client id, one per distinct session.
            SELECT i.profile_id, 1, 1, 1, 0, 0 FROM (
              SELECT DISTINCT i.profile_id, w.session_id FROM web_events w
              JOIN identifiers i ON i.shop_id = w.shop_id AND i.kind = 'device' AND i.value = w.client_id
              WHERE w.shop_id = ${shopId} AND w.at > ${since}) i
            UNION ALL
            SELECT profile_id, (kind <> 'opened')::int, 0, 0, (kind = 'opened')::int, (kind <> 'opened')::int
            FROM message_events WHERE shop_id = ${shopId} AND at > ${since}
              AND kind IN ('opened', 'replied', 'clicked')) e
          GROUP BY profile_id),
        unvisited AS (${restage(quiet, sql``, sql`NOT EXISTS (SELECT 1 FROM v WHERE v.profile_id = p.id)`)}),
        visited AS (${restage(counted, sql`FROM v`, sql`p.id = v.profile_id`)}),
        changed AS (SELECT id FROM unvisited UNION ALL SELECT id FROM visited),
        counted AS (SELECT count(*) AS n FROM changed),
        bump AS (
          UPDATE shops SET change_version = change_version + (SELECT n FROM counted)
          WHERE shop_id = ${shopId}
          RETURNING change_version - (SELECT n FROM counted) AS base),
        numbered AS (SELECT c.id, bump.base + row_number() OVER (ORDER BY c.id) AS version FROM changed c CROSS
          JOIN bump),
        -- Under the shop lock no one else writes this shop's feed, so a profile's row is either there to
        -- move or missing, and a plain insert costs less than an upsert for a shop seen for the first time.
        moved AS (
          UPDATE profile_changes pc SET version = n.version, kind = 'upsert', changed_at = ${now}
          FROM numbered n WHERE pc.shop_id = ${shopId} AND pc.profile_id = n.id
          RETURNING 1),
        added AS (
          INSERT INTO profile_changes (shop_id, profile_id, version, kind, changed_at)
          SELECT ${shopId}, n.id, n.version, 'upsert', ${now} FROM numbered n
          WHERE NOT EXISTS (SELECT 1 FROM profile_changes pc WHERE pc.shop_id = ${shopId} AND pc.profile_id = n.id)
          RETURNING 1)
        SELECT (SELECT count(*) FROM profiles WHERE shop_id = ${shopId} AND status = 'active') AS profiles, (SELECT n
          FROM counted) AS changed`;
  const [row] = await withWholeSetPlanning(q, () =>
    queryRows<{ profiles: string | number; changed: string | number }>(q, statement),
  );
  return { profiles: Number(row?.profiles ?? 0), changed: Number(row?.changed ?? 0) };
}

/** The nightly (or on-demand) whole-shop pass: fresh RFM breaks, every profile re-staged, duplicates scanned. */
export async function recomputeShop(q: Queryable, shop: ShopContext, now: Date) {
  const started = performance.now();
  // The percentile cuts sort the shop's order counts and values: in memory, not on disk.
  const breaks = await withWholeSetPlanning(q, () => refreshRfmBreaks(q, shop.shopId));
  const { profiles, changed } = await restageShop(q, shop, now, breaks);
  const scanStarted = performance.now();
  const candidates = await scanProbableDuplicates(q, shop.shopId, now);
  const finished = performance.now();
  return {
    profiles,
    changed,
    rfmBreaks: breaks,
    newCandidates: candidates,
    ms: Math.round(finished - started),
    // The scan has a time goal of its own, so the pass says how much of its time was the scan.
    duplicateScanMs: Math.round(finished - scanStarted),
  };
}
