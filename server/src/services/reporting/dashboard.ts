import {
  CHANNEL_MIXES,
  CHANNELS,
  FATIGUE_BANDS,
  FATIGUE_FULL_AT,
  FATIGUE_WINDOW_MS,
  LIFECYCLE_STAGES,
  toMajorUnits,
  type ShopDashboard,
  type ShopSettings,
} from "@c360/shared";
import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { channelMixFilter } from "../profile/profile-search";

const CONSENT_FLAG = { email: "consent_email", sms: "consent_sms", whatsapp: "consent_whatsapp", push: "consent_push" };

/** `count(*) FILTER (...) AS name` for each entry, one column per group of a rule. */
const countsOf = (entries: [string, SQL][]) =>
  sql.join(
    entries.map(([name, where]) => sql`count(*) FILTER (WHERE ${where}) AS ${sql.identifier(name)}`),
    sql`, `,
  );

/**
 * The dashboard figures of one shop, each from one set-based query over that shop's active customers only:
 * an erased or merged-away profile is in no figure. Consent is the `consent_*` flags the ledger keeps on every
 * append, merge, undo and erasure (the shared ledger rule, not re-derived here); channel mix and fatigue bands
 * are the shared rules' tables.
 */
export async function shopDashboard(
  q: Queryable,
  shopId: string,
  settings: ShopSettings,
  now: Date,
): Promise<ShopDashboard> {
  const weekAgo = new Date(now.getTime() - FATIGUE_WINDOW_MS);
  const threshold = settings.fatigueThreshold;
  const [counts] = await queryRows<Record<string, string | number>>(
    q,
    sql`SELECT count(*) AS profiles,
          ${countsOf(LIFECYCLE_STAGES.map((s) => [`stage_${s}`, sql`p.lifecycle_stage = ${s}`]))},
          ${countsOf(CHANNEL_MIXES.map((m) => [`mix_${m}`, channelMixFilter(m)]))},
          ${countsOf(CHANNELS.map((ch) => [`consent_${ch}`, sql`${sql.identifier(CONSENT_FLAG[ch])}`]))},
          ${countsOf([
            [
              "with_email",
              sql`EXISTS (SELECT 1 FROM identifiers i WHERE i.shop_id = p.shop_id AND i.profile_id = p.id
                AND i.kind = 'email')`,
            ],
            [
              "with_phone",
              sql`EXISTS (SELECT 1 FROM identifiers i WHERE i.shop_id = p.shop_id AND i.profile_id = p.id
                AND i.kind = 'phone')`,
            ],
          ])}
        FROM profiles p WHERE p.shop_id = ${shopId} AND p.status = 'active'`,
  );
  // Fatigue of each active customer who was sent something this week; the others are in the lowest band.
  let lower = 0;
  const bands = FATIGUE_BANDS.map((b) => {
    const where = Number.isFinite(b.below) ? sql`score >= ${lower} AND score < ${b.below}` : sql`score >= ${lower}`;
    lower = b.below;
    return [`band_${b.key}`, where] as [string, SQL];
  });
  const [fatigue] = await queryRows<Record<string, string | number>>(
    q,
    sql`WITH f AS (
          SELECT least(1.0, count(*)::float8 / ${FATIGUE_FULL_AT}) AS score
          FROM messages m JOIN profiles p ON p.shop_id = m.shop_id AND p.id = m.profile_id AND p.status = 'active'
          WHERE m.shop_id = ${shopId} AND m.status = 'sent' AND m.at > ${weekAgo} AND m.at <= ${now}
          GROUP BY m.profile_id)
        SELECT count(*) AS sent_to, ${countsOf(bands)}, count(*) FILTER (WHERE score >= ${threshold}) AS at_threshold
        FROM f`,
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
  return {
    shopId,
    asOf: now.toISOString(),
    profiles,
    lifecycle: Object.fromEntries(
      LIFECYCLE_STAGES.map((s) => [s, n(counts?.[`stage_${s}`])]),
    ) as ShopDashboard["lifecycle"],
    channelMix: Object.fromEntries(
      CHANNEL_MIXES.map((m) => [m, n(counts?.[`mix_${m}`])]),
    ) as ShopDashboard["channelMix"],
    fatigue: {
      ...(Object.fromEntries(
        FATIGUE_BANDS.map((b, i) => [
          b.key,
          n(fatigue?.[`band_${b.key}`]) + (i === 0 ? profiles - n(fatigue?.sent_to) : 0),
        ]),
      ) as Omit<ShopDashboard["fatigue"], "threshold" | "shareAtOrAboveThreshold">),
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
      withEmail: n(counts?.with_email),
      withPhone: n(counts?.with_phone),
      emailConsent: n(counts?.consent_email),
      smsConsent: n(counts?.consent_sms),
      whatsappConsent: n(counts?.consent_whatsapp),
      pushConsent: n(counts?.consent_push),
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
