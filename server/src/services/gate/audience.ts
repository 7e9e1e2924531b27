import {
  FATIGUE_WINDOW_MS,
  channelNeedsPhone,
  decideAudienceGroups,
  isValidTimeZone,
  localDayBounds,
  type AudienceFilters,
  type AudienceGroup,
  type Channel,
  type GateAudienceResponse,
} from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { CONSENT_FLAG_COLUMN } from "../consent/consent-flags";
import type { ShopContext } from "../shop/shop";

interface FactsRow {
  zone: number;
  week: number;
  today: number;
  today_ch: number;
  n: string | number | null;
  id: string | null;
}

const jsonText = (values: readonly string[]) => sql`${JSON.stringify(values)}::jsonb`;

/** A text[] from one JSON parameter, however many values (bind parameters stop at 65,535). */
const jsonTextArray = (values: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${jsonText(values)}))`;

/** Shared `matchesAudienceFilters` as a condition on `p`: a never-scored profile's engagement counts 0. */
function filterSql(filters: AudienceFilters | undefined): SQL {
  const conditions: SQL[] = [sql`true`];
  // real vs float8: the bound is compared as the real the profile stores, so 0.425 matches a stored 0.425.
  if (filters?.minEngagement !== undefined)
    conditions.push(sql`coalesce(p.engagement_score, 0) >= ${filters.minEngagement}::real`);
  if (filters?.maxEngagement !== undefined)
    conditions.push(sql`coalesce(p.engagement_score, 0) <= ${filters.maxEngagement}::real`);
  if (filters?.lifecycleStages)
    conditions.push(
      sql`p.lifecycle_stage IN (${sql.join(
        filters.lifecycleStages.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  return sql.join(conditions, sql` AND `);
}

/**
 * The send gate over a list of customers or the whole shop, decided by the shared `decideAudienceGroups`
 * from facts counted set-based: consent from the profile's flags (kept with the ledger), today's and the
 * week's sent messages from one pass over the last seven days of messages, quiet hours per time zone.
 *
 * Consent is the gate's first step, so a customer without it is blocked whatever else is true: the
 * first statement counts those per zone and finds the zones of the granted. The second reads only the
 * granted, once, for both the counts per group of equal facts and the first candidates for the page of
 * allowed ids; only when those candidates are not enough (granted customers ahead blocked by caps,
 * fatigue or quiet hours) does a third statement fetch the page.
 */
export async function audienceDecision(
  q: Queryable,
  shop: ShopContext,
  input: {
    channel: Channel;
    at: Date;
    profileIds: string[] | null;
    limit: number;
    offset: number;
    filters?: AudienceFilters | undefined;
  },
): Promise<GateAudienceResponse> {
  const { shopId, settings } = shop;
  const { channel, at } = input;
  const ids = input.profileIds ? [...new Set(input.profileIds)] : null;
  const flag = sql.identifier(CONSENT_FLAG_COLUMN[channel]);
  // As in the per-message gate: an SMS or WhatsApp grant without a phone on the profile is no usable consent.
  // One hashed set of the shop's phone holders rather than a lookup per profile.
  const phoneHeld = sql`p.id IN (
    SELECT i.profile_id FROM identifiers i WHERE i.shop_id = ${shopId} AND i.kind = 'phone')`;
  const granted = channelNeedsPhone(channel) ? sql`(p.${flag} AND ${phoneHeld})` : sql`p.${flag}`;
  const filtered = filterSql(input.filters);
  const target: SQL = ids
    ? sql`SELECT p.id, t.ord, p.time_zone, ${granted} AS granted
          FROM jsonb_array_elements_text(${jsonText(ids)}) WITH ORDINALITY AS t(id, ord)
          JOIN profiles p ON p.shop_id = ${shopId} AND p.id = t.id AND p.status = 'active' AND ${filtered}`
    : sql`SELECT p.id, 0::bigint AS ord, p.time_zone, ${granted} AS granted
          FROM profiles p WHERE p.shop_id = ${shopId} AND p.status = 'active' AND ${filtered}`;

  const byZone = await queryRows<{ time_zone: string | null; granted: boolean; n: string | number }>(
    q,
    sql`SELECT time_zone, granted, count(*) AS n FROM (${target}) t GROUP BY 1, 2`,
  );
  // Zones the shared rule accepts are the customer's; any other falls back to the shop's, as in gateTimeZone.
  const customerZones = [
    ...new Set(byZone.filter((z) => z.granted && z.time_zone !== null).map((z) => z.time_zone!)),
  ].filter(isValidTimeZone);
  const zones = [settings.timeZone, ...customerZones];
  // "Today" for the caps is the whole local day of `at`, [local midnight, next midnight); zones with the
  // same day share one count.
  const bounds = zones.map((z) => localDayBounds(at, z));
  const dayKey = (d: { start: Date; end: Date }) => `${d.start.getTime()}/${d.end.getTime()}`;
  const days = [...new Map(bounds.map((d) => [dayKey(d), d])).values()];
  const dayOfZone = bounds.map((b) => days.findIndex((d) => dayKey(d) === dayKey(b)) + 1);
  const lastDayEnd = new Date(Math.max(...days.map((d) => d.end.getTime())));

  const onDay = (day: { start: Date; end: Date }, extra: SQL = sql`true`) =>
    sql`count(*) FILTER (WHERE m.at >= ${day.start} AND m.at < ${day.end} AND ${extra})::int`;
  // Per customer: sent in the window (at - 7d, at], and sent on each distinct local day (overall and on the channel).
  const counts = {
    week: sql`count(*) FILTER (WHERE m.at <= ${at})::int`,
    today: sql`ARRAY[${sql.join(
      days.map((d) => onDay(d)),
      sql`, `,
    )}]`,
    todayOnChannel: sql`ARRAY[${sql.join(
      days.map((d) => onDay(d, sql`m.channel = ${channel}`)),
      sql`, `,
    )}]`,
  };
  const weekStart = new Date(at.getTime() - FATIGUE_WINDOW_MS);
  const window = sql`m.shop_id = ${shopId} AND m.status = 'sent' AND m.at > ${weekStart} AND m.at < ${lastDayEnd}`;
  const grantedAudience = sql`
    SELECT z.id, z.ord, z.zone, (ARRAY[${sql.join(
      dayOfZone.map((d) => sql`${d}::int`),
      sql`, `,
    )}])[z.zone + 1] AS day
    FROM (SELECT t.id, t.ord, coalesce(array_position(${jsonTextArray(customerZones)}, t.time_zone), 0) AS zone
          FROM (${target}) t WHERE t.granted) z`;
  const facts = (granted: SQL) => sql`
    SELECT g.id, g.ord, g.zone, coalesce(s.week, 0) AS week, coalesce(s.today[g.day], 0) AS today,
      coalesce(s.today_ch[g.day], 0) AS today_ch
    FROM ${granted} g
    LEFT JOIN (
      SELECT m.profile_id, ${counts.week} AS week, ${counts.today} AS today, ${counts.todayOnChannel} AS today_ch
      FROM messages m
      WHERE ${window} ${ids ? sql`AND m.profile_id IN (SELECT jsonb_array_elements_text(${jsonText(ids)}))` : sql``}
      GROUP BY m.profile_id
    ) s ON s.profile_id = g.id`;
  const page = input.offset + input.limit;
  // Candidates for the page: the first granted in page order, their messages looked up one by one.
  const candidates = 2 * page;
  const rows = await queryRows<FactsRow>(
    q,
    sql`WITH g AS MATERIALIZED (${grantedAudience})
        SELECT zone, week, today, today_ch, count(*) AS n, NULL AS id FROM (${facts(sql`g`)}) f GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT c.zone, m.week, m.today, m.today_ch, NULL, c.id
        FROM (SELECT * FROM g ORDER BY g.ord, g.id COLLATE "C" LIMIT ${candidates}) c
        CROSS JOIN LATERAL (
          SELECT ${counts.week} AS week, (${counts.today})[c.day] AS today,
            (${counts.todayOnChannel})[c.day] AS today_ch
          FROM messages m WHERE ${window} AND m.profile_id = c.id
        ) m`,
  );

  const grantedGroup = (r: FactsRow, count: number): AudienceGroup => ({
    zone: zones[r.zone]!,
    consentGranted: true,
    sentToday: Number(r.today),
    sentTodayOnChannel: Number(r.today_ch),
    sentInWindow: Number(r.week),
    count,
  });
  const withoutConsent = byZone.filter((z) => !z.granted).reduce((n, z) => n + Number(z.n), 0);
  const decide = (groups: AudienceGroup[]) => decideAudienceGroups(groups, { channel, at, settings });
  const groupRows = rows.filter((r) => r.id === null);
  const summary = decide([
    // Blocked at the first step: the other facts are not read, so they are not counted.
    {
      zone: settings.timeZone,
      consentGranted: false,
      sentToday: 0,
      sentTodayOnChannel: 0,
      sentInWindow: 0,
      count: withoutConsent,
    },
    ...groupRows.map((r) => grantedGroup(r, Number(r.n))),
  ]);
  const isAllowed = (r: FactsRow) => decide([grantedGroup(r, 1)]).allowed === 1;
  const allowedCandidates = rows.filter((r) => r.id !== null && isAllowed(r)).map((r) => r.id!);

  let allowedIds: string[];
  if (allowedCandidates.length >= Math.min(page, summary.allowed)) {
    allowedIds = allowedCandidates.slice(input.offset, page);
  } else {
    const keys = groupRows
      .filter(isAllowed)
      .map((r) => sql`(${r.zone}::int, ${r.week}::int, ${r.today}::int, ${r.today_ch}::int)`);
    const paged = await queryRows<{ id: string }>(
      q,
      sql`SELECT id FROM (${facts(sql`(${grantedAudience})`)}) f
        WHERE (zone, week, today, today_ch) IN (${sql.join(keys, sql`, `)})
          ORDER BY ord, id COLLATE "C" LIMIT ${input.limit} OFFSET ${input.offset}`,
    );
    allowedIds = paged.map((r) => r.id);
  }

  let unknownIds: string[] = [];
  if (ids) {
    const known = await queryRows<RawRow<typeof tables.profiles, "id">>(
      q,
      sql`SELECT id FROM profiles WHERE shop_id = ${shopId} AND status = 'active'
        AND id IN (SELECT jsonb_array_elements_text(${jsonText(ids)}))`,
    );
    const knownSet = new Set(known.map((k) => k.id));
    unknownIds = ids.filter((id) => !knownSet.has(id));
  }
  return {
    channel,
    at: at.toISOString(),
    total: byZone.reduce((n, z) => n + Number(z.n), 0),
    allowed: summary.allowed,
    blocked: summary.blocked,
    allowedIds,
    limit: input.limit,
    offset: input.offset,
    unknownIds,
  };
}
