import { CHANNELS, LIFECYCLE_STAGES, toMajorUnits, type ShopDashboard, type ShopSettings } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";

/**
 * The dashboard figures of one shop, each from one set-based query over that shop's rows only. Fatigue
 * counts messages sent in the rolling 7 days (the gate's rule: sent / 10, capped at 1).
 */
export async function shopDashboard(q: Queryable, shopId: string, settings: ShopSettings, now: Date): Promise<ShopDashboard> {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  const threshold = settings.fatigueThreshold;
  const [counts] = await queryRows<Record<string, string | number>>(
    q,
    sql`SELECT count(*) AS profiles,
          ${sql.join(
            LIFECYCLE_STAGES.map((s) => sql`count(*) FILTER (WHERE lifecycle_stage = ${s}) AS ${sql.identifier(`stage_${s}`)}`),
            sql`, `,
          )},
          count(*) FILTER (WHERE online_spend > 0 AND pos_spend = 0) AS online_only,
          count(*) FILTER (WHERE pos_spend > 0 AND online_spend = 0) AS in_store_only,
          count(*) FILTER (WHERE pos_spend > 0 AND online_spend > 0) AS omnichannel,
          count(*) FILTER (WHERE order_count = 0) AS no_orders,
          count(*) FILTER (WHERE order_count > 0 AND pos_spend = 0 AND online_spend = 0) AS no_spend
        FROM profiles WHERE shop_id = ${shopId} AND status = 'active'`,
  );
  const [fatigue] = await queryRows<Record<string, string | number>>(
    q,
    sql`WITH f AS (
          SELECT least(1.0, count(*) / 10.0) AS score FROM messages
          WHERE shop_id = ${shopId} AND status = 'sent' AND at > ${weekAgo} AND at <= ${now} GROUP BY profile_id)
        SELECT count(*) FILTER (WHERE score >= 0.3 AND score < 0.5) AS f35,
               count(*) FILTER (WHERE score >= 0.5 AND score < 0.7) AS f57,
               count(*) FILTER (WHERE score >= 0.7) AS f7,
               count(*) FILTER (WHERE score >= ${threshold}) AS at_threshold
        FROM f`,
  );
  const [identity] = await queryRows<{ with_email: string | number; with_phone: string | number }>(
    q,
    sql`SELECT count(DISTINCT profile_id) FILTER (WHERE kind = 'email') AS with_email,
               count(DISTINCT profile_id) FILTER (WHERE kind = 'phone') AS with_phone
        FROM identifiers WHERE shop_id = ${shopId}`,
  );
  // Current consent per profile and channel: the latest row for that channel or a global unsubscribe,
  // revocation first on a tie (the ledger's ordering rule).
  const consent = await queryRows<{ channel: string; granted: string | number }>(
    q,
    sql`WITH latest AS (
          SELECT DISTINCT ON (c.profile_id, ch.channel) ch.channel, c.action
          FROM consents c
          JOIN (VALUES ${sql.join(CHANNELS.map((ch) => sql`(${ch})`), sql`, `)}) AS ch(channel) ON c.channel IN (ch.channel, 'all')
          WHERE c.shop_id = ${shopId}
          ORDER BY c.profile_id, ch.channel, c.acted_at DESC, (c.action = 'revoked') DESC, c.received_at DESC, c.id DESC)
        SELECT channel, count(*) FILTER (WHERE action = 'granted') AS granted FROM latest GROUP BY channel`,
  );
  const [months, rfm] = await Promise.all([
    queryRows<{ month: string; orders: string | number; spend: string | number; refunds: string | number }>(
      q,
      shopMonthlySpendQuery(shopId, settings.timeZone, new Date(now.getTime() - 365 * 86_400_000), now),
    ),
    queryRows<{ r: number; f: number; count: string | number }>(
      q,
      sql`SELECT rfm_r AS r, rfm_f AS f, count(*) AS count FROM profiles
          WHERE shop_id = ${shopId} AND status = 'active' AND rfm_r IS NOT NULL AND rfm_f IS NOT NULL
          GROUP BY rfm_r, rfm_f ORDER BY rfm_r DESC, rfm_f DESC`,
    ),
  ]);
  const n = (v: string | number | undefined) => Number(v ?? 0);
  const profiles = n(counts?.profiles);
  const granted = (ch: string) => n(consent.find((c) => c.channel === ch)?.granted);
  const fatigued = n(fatigue?.f35) + n(fatigue?.f57) + n(fatigue?.f7);
  return {
    shopId,
    asOf: now.toISOString(),
    profiles,
    lifecycle: Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, n(counts?.[`stage_${s}`])])) as ShopDashboard["lifecycle"],
    channelMix: {
      online_only: n(counts?.online_only),
      in_store_only: n(counts?.in_store_only),
      omnichannel: n(counts?.omnichannel),
      no_orders: n(counts?.no_orders),
      no_spend: n(counts?.no_spend),
    },
    fatigue: {
      under_0_3: Math.max(0, profiles - fatigued),
      "0_3_to_0_5": n(fatigue?.f35),
      "0_5_to_0_7": n(fatigue?.f57),
      blocked_0_7_plus: n(fatigue?.f7),
      threshold,
      shareAtOrAboveThreshold: profiles ? n(fatigue?.at_threshold) / profiles : 0,
    },
    currency: settings.currency,
    spendOverTime: months.map((m) => ({
      month: m.month,
      orders: n(m.orders),
      spend: toMajorUnits(n(m.spend), settings.currency),
      refunds: toMajorUnits(n(m.refunds), settings.currency),
    })),
    rfmGrid: rfm.map((c) => ({ r: c.r, f: c.f, count: n(c.count) })),
    coverage: {
      profiles,
      withEmail: n(identity?.with_email),
      withPhone: n(identity?.with_phone),
      emailConsent: granted("email"),
      smsConsent: granted("sms"),
      whatsappConsent: granted("whatsapp"),
      pushConsent: granted("push"),
    },
  };
}

/**
 * The shop's last year by calendar month in its time zone: orders (not cancelled) and their spend by when
 * placed, refunds by when made. Only months with something in them; the admin fills the gaps.
 */
function shopMonthlySpendQuery(shopId: string, timeZone: string, from: Date, to: Date) {
  return sql`SELECT month, sum(orders) AS orders, sum(spend) AS spend, sum(refunds) AS refunds FROM (
        SELECT to_char(placed_at AT TIME ZONE ${timeZone}, 'YYYY-MM') AS month,
               1 AS orders, total AS spend, 0 AS refunds
          FROM orders WHERE shop_id = ${shopId} AND cancelled_at IS NULL AND placed_at > ${from} AND placed_at <= ${to}
        UNION ALL
        SELECT to_char(created_at AT TIME ZONE ${timeZone}, 'YYYY-MM'), 0, 0, amount
          FROM refunds WHERE shop_id = ${shopId} AND created_at > ${from} AND created_at <= ${to}) m
      GROUP BY month ORDER BY month`;
}
