import {
  FATIGUE_WINDOW_MS,
  decideAudienceGroups,
  isValidTimeZone,
  localDayStart,
  type AudienceGroup,
  type Channel,
  type GateAudienceResponse,
} from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { CONSENT_FLAG_COLUMN } from "./consent-flags";
import type { ShopContext } from "./shop";

interface FactsRow {
  zone: number;
  granted: boolean;
  week: number;
  today: number;
  today_ch: number;
  n: string | number | null;
  id: string | null;
}

const jsonText = (values: readonly string[]) => sql`${JSON.stringify(values)}::jsonb`;

/**
 * The send gate over a list of customers or the whole shop, decided by the shared `decideAudienceGroups`
 * from facts counted set-based: consent from the profile's flags (kept with the ledger), today's and the
 * week's sent messages from one pass over the last seven days of messages, quiet hours per time zone.
 * One statement scans the audience once and answers both the counts per group of equal facts and the
 * first candidates for the page of allowed ids; only when those candidates are not enough (many granted
 * customers blocked by caps, fatigue or quiet hours) does a second statement fetch the page.
 */
export async function audienceDecision(
  q: Queryable,
  shop: ShopContext,
  input: { channel: Channel; at: Date; profileIds: string[] | null; limit: number; offset: number },
): Promise<GateAudienceResponse> {
  const { shopId, settings } = shop;
  const { channel, at } = input;
  const ids = input.profileIds ? [...new Set(input.profileIds)] : null;
  const granted = sql.identifier(CONSENT_FLAG_COLUMN[channel]);
  const target: SQL = ids
    ? sql`SELECT p.id, t.ord, p.time_zone, p.${granted} AS granted
          FROM jsonb_array_elements_text(${jsonText(ids)}) WITH ORDINALITY AS t(id, ord)
          JOIN profiles p ON p.shop_id = ${shopId} AND p.id = t.id AND p.status = 'active'`
    : sql`SELECT p.id, 0::bigint AS ord, p.time_zone, p.${granted} AS granted FROM profiles p WHERE p.shop_id = ${shopId} AND p.status = 'active'`;

  // Zones the shared rule accepts are the customer's; any other falls back to the shop's, as in gateTimeZone.
  const zoneRows = await queryRows<{ time_zone: string }>(q, sql`SELECT DISTINCT x.time_zone FROM (${target}) x WHERE x.time_zone IS NOT NULL`);
  const customerZones = zoneRows.map((z) => z.time_zone).filter(isValidTimeZone);
  const zones = [settings.timeZone, ...customerZones];
  // "Today" for the caps is [local midnight, at]; zones on the same offset share one count.
  const dayStarts = [...new Set(zones.map((z) => localDayStart(at, z).getTime()))].sort((a, b) => a - b);
  const dayOfZone = zones.map((z) => dayStarts.indexOf(localDayStart(at, z).getTime()) + 1);

  const sinceDay = (start: number, extra: SQL = sql`true`) => sql`count(*) FILTER (WHERE m.at >= ${new Date(start)} AND ${extra})::int`;
  // Per customer: sent in the window, and sent since each distinct local midnight (overall and on the channel).
  const counts = {
    week: sql`count(*)::int`,
    today: sql`ARRAY[${sql.join(dayStarts.map((d) => sinceDay(d)), sql`, `)}]`,
    todayOnChannel: sql`ARRAY[${sql.join(dayStarts.map((d) => sinceDay(d, sql`m.channel = ${channel}`)), sql`, `)}]`,
  };
  const window = sql`m.shop_id = ${shopId} AND m.status = 'sent' AND m.at > ${new Date(at.getTime() - FATIGUE_WINDOW_MS)} AND m.at <= ${at}`;
  const audience = sql`
    SELECT z.*, (ARRAY[${sql.join(dayOfZone.map((d) => sql`${d}::int`), sql`, `)}])[z.zone + 1] AS day
    FROM (SELECT t.*, coalesce(array_position(${jsonTextArray(customerZones)}, t.time_zone), 0) AS zone FROM (${target}) t) z`;
  const facts = sql`
    SELECT x.id, x.ord, x.zone, x.granted, coalesce(s.week, 0) AS week,
           coalesce(s.today[x.day], 0) AS today, coalesce(s.today_ch[x.day], 0) AS today_ch
    FROM (${audience}) x
    LEFT JOIN (
      SELECT m.profile_id, ${counts.week} AS week, ${counts.today} AS today, ${counts.todayOnChannel} AS today_ch
      FROM messages m
      WHERE ${window} ${ids ? sql`AND m.profile_id IN (SELECT jsonb_array_elements_text(${jsonText(ids)}))` : sql``}
      GROUP BY m.profile_id
    ) s ON s.profile_id = x.id`;
  const page = input.offset + input.limit;
  // A customer without consent is never allowed (the gate's first step), so candidates come from the
  // granted, first in page order, with their messages looked up one by one: a page's worth, not the shop's.
  const candidates = 2 * page;
  const rows = await queryRows<FactsRow>(
    q,
    sql`SELECT zone, granted, week, today, today_ch, count(*) AS n, NULL AS id FROM (${facts}) f GROUP BY 1, 2, 3, 4, 5
        UNION ALL
        SELECT c.zone, c.granted, m.week, m.today, m.today_ch, NULL, c.id
        FROM (SELECT * FROM (${audience}) x WHERE x.granted ORDER BY x.ord, x.id COLLATE "C" LIMIT ${candidates}) c
        CROSS JOIN LATERAL (
          SELECT ${counts.week} AS week, (${counts.today})[c.day] AS today, (${counts.todayOnChannel})[c.day] AS today_ch
          FROM messages m WHERE ${window} AND m.profile_id = c.id
        ) m`,
  );

  const groupOf = (r: FactsRow, count: number): AudienceGroup => ({
    zone: zones[r.zone]!,
    consentGranted: r.granted,
    sentToday: Number(r.today),
    sentTodayOnChannel: Number(r.today_ch),
    sentInWindow: Number(r.week),
    count,
  });
  const decide = (groups: AudienceGroup[]) => decideAudienceGroups(groups, { channel, at, settings });
  const groupRows = rows.filter((r) => r.id === null);
  const summary = decide(groupRows.map((r) => groupOf(r, Number(r.n))));
  const candidateRows = rows.filter((r) => r.id !== null);
  const allowedCandidates = candidateRows.filter((r) => decide([groupOf(r, 1)]).allowed === 1).map((r) => r.id!);

  let allowedIds: string[];
  const candidatesCover =
    allowedCandidates.length >= Math.min(page, summary.allowed) && summary.allowedGroups.every((g) => g.consentGranted);
  if (candidatesCover) {
    allowedIds = allowedCandidates.slice(input.offset, page);
  } else {
    const keys = groupRows.filter((r) => decide([groupOf(r, 1)]).allowed === 1).map((r) => sql`(${r.zone}::int, ${r.granted}::boolean, ${r.week}::int, ${r.today}::int, ${r.today_ch}::int)`);
    const paged = await queryRows<{ id: string }>(
      q,
      sql`SELECT id FROM (${facts}) f WHERE (zone, granted, week, today, today_ch) IN (${sql.join(keys, sql`, `)})
          ORDER BY ord, id COLLATE "C" LIMIT ${input.limit} OFFSET ${input.offset}`,
    );
    allowedIds = paged.map((r) => r.id);
  }

  let unknownIds: string[] = [];
  if (ids) {
    const known = await queryRows<{ id: string }>(
      q,
      sql`SELECT id FROM profiles WHERE shop_id = ${shopId} AND status = 'active' AND id IN (SELECT jsonb_array_elements_text(${jsonText(ids)}))`,
    );
    const knownSet = new Set(known.map((k) => k.id));
    unknownIds = ids.filter((id) => !knownSet.has(id));
  }
  return {
    channel,
    at: at.toISOString(),
    total: groupRows.reduce((n, r) => n + Number(r.n), 0),
    allowed: summary.allowed,
    blocked: summary.blocked,
    allowedIds,
    limit: input.limit,
    offset: input.offset,
    unknownIds,
  };
}

/** A text[] from one JSON parameter, however many values (bind parameters stop at 65,535). */
function jsonTextArray(values: readonly string[]): SQL {
  return sql`ARRAY(SELECT jsonb_array_elements_text(${jsonText(values)}))`;
}
