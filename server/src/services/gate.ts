import {
  ALLOWED_REASON,
  FATIGUE_FULL_AT,
  QUIET_HOURS_EXEMPT,
  QUIET_HOURS_REASON,
  channelCapReason,
  checkGate,
  fatigueReason,
  globalCapReason,
  isValidTimeZone,
  noConsentReason,
  type Channel,
  type GateDecision,
} from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { notFound } from "../http/errors";
import { consentStateOf } from "./profile-view";
import { sqlTextArray } from "./sql-arrays";
import type { ShopContext } from "./shop";

const WEEK_MS = 7 * 86_400_000;

/** The live profile a send is for; `lock` takes its row lock so decisions for one customer are serialised. */
async function gateProfile(q: Queryable, shopId: string, profileId: string, lock: boolean): Promise<{ id: string; timeZone: string | null }> {
  const [row] = await queryRows<{ id: string; status: string; merged_into: string | null; time_zone: string | null }>(
    q,
    sql`SELECT id, status, merged_into, time_zone FROM profiles WHERE shop_id = ${shopId} AND id = ${profileId}${lock ? sql` FOR UPDATE` : sql``}`,
  );
  if (!row || row.status === "erased") throw notFound(`profile ${profileId}`);
  if (row.status === "merged" && row.merged_into) return gateProfile(q, shopId, row.merged_into, lock);
  return { id: row.id, timeZone: row.time_zone };
}

/** The per-message gate: the shared rule fed with this customer's ledger and the sends of the last 7 days. */
export async function gateDecision(
  q: Queryable,
  shop: ShopContext,
  input: { profileId: string; channel: Channel; at: Date },
  opts: { lock?: boolean } = {},
): Promise<{ profileId: string; decision: GateDecision }> {
  const profile = await gateProfile(q, shop.shopId, input.profileId, opts.lock ?? false);
  const consent = await consentStateOf(q, shop.shopId, profile.id);
  const sent = await queryRows<{ channel: Channel; at: Date | string }>(
    q,
    sql`SELECT channel, at FROM messages WHERE shop_id = ${shop.shopId} AND profile_id = ${profile.id} AND status = 'sent'
        AND at > ${new Date(input.at.getTime() - WEEK_MS)} AND at <= ${input.at}`,
  );
  const decision = checkGate({
    channel: input.channel,
    at: input.at,
    consent,
    // The ledger state already applies an "all" revocation to every channel up to a later explicit grant.
    globallyUnsubscribed: false,
    sent: sent.map((m) => ({ channel: m.channel, at: new Date(m.at) })),
    customerTimeZone: profile.timeZone,
    settings: shop.settings,
  });
  return { profileId: profile.id, decision };
}

/**
 * Decides and logs one message in the caller's transaction. The profile row lock makes the next
 * decision for this customer see this one, so a sent message counts toward caps and fatigue at once.
 */
export async function sendMessage(
  tx: Queryable,
  shop: ShopContext,
  input: { id: string; profileId: string; channel: Channel; kind: string; at: Date },
): Promise<{ id: string; profileId: string; status: "sent" | "blocked"; reason: string }> {
  const { profileId, decision } = await gateDecision(tx, shop, input, { lock: true });
  const status = decision.allowed ? "sent" : "blocked";
  await tx.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason, at)
    VALUES (${shop.shopId}, ${input.id}, ${profileId}, ${input.channel}, ${input.kind}, ${status}, ${decision.reason}, ${input.at})`);
  return { id: input.id, profileId, status, reason: decision.reason };
}

export interface AudienceResult {
  channel: Channel;
  at: string;
  total: number;
  allowed: number;
  blocked: Record<string, number>;
  allowedIds: string[];
  limit: number;
  offset: number;
  unknownIds: string[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The gate over a whole audience in set-based SQL, step for step the same as `checkGate`: consent from
 * the deciding ledger row per customer (DISTINCT ON in the shared order: acted time, revocation last on
 * a tie, receipt time, id), caps by the customer-local calendar day, fatigue over (at - 7d, at] in
 * float8 like JS, quiet hours on the customer's wall clock. SQL returns the step and its numbers; the
 * reason strings come from the shared helpers so they match the message log byte for byte.
 */
export async function audienceDecision(
  q: Queryable,
  shop: ShopContext,
  input: { channel: Channel; at: Date; profileIds: string[] | null; limit: number; offset: number },
): Promise<AudienceResult> {
  const { shopId, settings } = shop;
  const { channel, at } = input;
  const zones = await queryRows<{ time_zone: string }>(
    q,
    sql`SELECT DISTINCT time_zone FROM profiles WHERE shop_id = ${shopId} AND time_zone IS NOT NULL`,
  );
  // Only zones the shared rule accepts are the customer's; any other falls back to the shop's, as in gateTimeZone.
  const validZones = zones.map((z) => z.time_zone).filter(isValidTimeZone);
  const ids = input.profileIds ? [...new Set(input.profileIds)] : null;
  const target: SQL = ids
    ? sql`SELECT p.id, t.ord, p.time_zone FROM unnest(${sqlTextArray(ids)}) WITH ORDINALITY AS t(id, ord)
          JOIN profiles p ON p.shop_id = ${shopId} AND p.id = t.id AND p.status = 'active'`
    : sql`SELECT p.id, 0::bigint AS ord, p.time_zone FROM profiles p WHERE p.shop_id = ${shopId} AND p.status = 'active'`;
  const start = minutesOf(settings.quietHours.start);
  const end = minutesOf(settings.quietHours.end);
  const localMinute = sql`(extract(hour FROM (${at}::timestamptz AT TIME ZONE t.tz)) * 60 + extract(minute FROM (${at}::timestamptz AT TIME ZONE t.tz)))`;
  const quiet: SQL =
    QUIET_HOURS_EXEMPT.includes(channel) || start === end
      ? sql`false`
      : start < end
        ? sql`(${localMinute} >= ${start} AND ${localMinute} < ${end})`
        : sql`(${localMinute} >= ${start} OR ${localMinute} < ${end})`;
  const weekStart = new Date(at.getTime() - WEEK_MS);
  const caps = settings.caps;

  // LATERAL lookups per customer ride the (shop_id, profile_id, ...) indexes; joins between CTEs
  // without statistics turned into nested loops (quadratic) on PGlite.
  const decided = sql`
    WITH d AS (
      SELECT t.id, t.ord,
             coalesce(s.today, 0) AS today, coalesce(s.today_channel, 0) AS today_channel, coalesce(s.week, 0) AS week,
             CASE
               WHEN NOT (dc.channel IS NOT NULL AND dc.channel = ${channel} AND dc.action = 'granted') THEN 'consent'
               WHEN coalesce(s.today, 0) >= ${caps.globalDaily} THEN 'global_cap'
               WHEN coalesce(s.today_channel, 0) >= ${caps[channel]} THEN 'channel_cap'
               WHEN least(1::float8, coalesce(s.week, 0)::float8 / ${FATIGUE_FULL_AT}::float8) >= ${settings.fatigueThreshold}::float8 THEN 'fatigue'
               WHEN ${quiet} THEN 'quiet_hours'
               ELSE 'ok'
             END AS step
      FROM (
        SELECT x.id, x.ord,
               CASE WHEN x.time_zone = ANY(${sqlTextArray(validZones)}) THEN x.time_zone ELSE ${settings.timeZone} END AS tz
        FROM (${target}) x
      ) t
      LEFT JOIN LATERAL (
        SELECT c.channel, c.action FROM consents c
        WHERE c.shop_id = ${shopId} AND c.profile_id = t.id AND (c.channel = ${channel} OR (c.channel = 'all' AND c.action = 'revoked'))
        ORDER BY c.acted_at DESC, (c.action = 'revoked') DESC, c.received_at DESC, c.id COLLATE "C" DESC
        LIMIT 1
      ) dc ON true
      LEFT JOIN LATERAL (
        SELECT count(*) AS week,
               count(*) FILTER (WHERE (m.at AT TIME ZONE t.tz)::date = (${at}::timestamptz AT TIME ZONE t.tz)::date) AS today,
               count(*) FILTER (WHERE m.channel = ${channel} AND (m.at AT TIME ZONE t.tz)::date = (${at}::timestamptz AT TIME ZONE t.tz)::date) AS today_channel
        FROM messages m
        WHERE m.shop_id = ${shopId} AND m.profile_id = t.id AND m.status = 'sent' AND m.at > ${weekStart} AND m.at <= ${at}
      ) s ON true
    )`;

  const groups = await queryRows<{ step: string; today: string | number; today_channel: string | number; week: string | number; n: string | number }>(
    q,
    sql`${decided}
        SELECT step,
               CASE WHEN step = 'global_cap' THEN today ELSE 0 END AS today,
               CASE WHEN step = 'channel_cap' THEN today_channel ELSE 0 END AS today_channel,
               CASE WHEN step = 'fatigue' THEN week ELSE 0 END AS week,
               count(*) AS n
        FROM d GROUP BY 1, 2, 3, 4`,
  );
  const allowedRows = await queryRows<{ id: string }>(
    q,
    sql`${decided} SELECT id FROM d WHERE step = 'ok' ORDER BY ord, id COLLATE "C" LIMIT ${input.limit} OFFSET ${input.offset}`,
  );

  const blocked: Record<string, number> = {};
  let allowed = 0;
  let total = 0;
  for (const g of groups) {
    const n = Number(g.n);
    total += n;
    if (g.step === "ok") {
      allowed += n;
      continue;
    }
    const reason = reasonOf(g.step, channel, { today: Number(g.today), todayChannel: Number(g.today_channel), week: Number(g.week) }, caps);
    blocked[reason] = (blocked[reason] ?? 0) + n;
  }
  let unknownIds: string[] = [];
  if (ids) {
    const known = await queryRows<{ id: string }>(
      q,
      sql`SELECT id FROM profiles WHERE shop_id = ${shopId} AND status = 'active' AND id = ANY(${sqlTextArray(ids)})`,
    );
    const knownSet = new Set(known.map((k) => k.id));
    unknownIds = ids.filter((id) => !knownSet.has(id));
  }
  return {
    channel,
    at: at.toISOString(),
    total,
    allowed,
    blocked,
    allowedIds: allowedRows.map((r) => r.id),
    limit: input.limit,
    offset: input.offset,
    unknownIds,
  };
}

function reasonOf(step: string, channel: Channel, n: { today: number; todayChannel: number; week: number }, caps: ShopContext["settings"]["caps"]): string {
  switch (step) {
    case "consent":
      return noConsentReason(channel);
    case "global_cap":
      return globalCapReason(n.today, caps.globalDaily);
    case "channel_cap":
      return channelCapReason(channel, n.todayChannel, caps[channel]);
    case "fatigue":
      return fatigueReason(Math.min(1, n.week / FATIGUE_FULL_AT));
    case "quiet_hours":
      return QUIET_HOURS_REASON;
    default:
      return step === "ok" ? ALLOWED_REASON : step;
  }
}
