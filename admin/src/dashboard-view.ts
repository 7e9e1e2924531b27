/**
 * The dashboard and the agency roll-up as the merchant reads them: chart bars and table cells from the
 * figures `GET /api/dashboard` and `GET /api/agency/rollup` answer. Pure, so the shaping is tested alone;
 * the figures and the flag rule are the server's.
 */
import { agencyUserIdProblem } from "@c360/shared/wire/agency";
import type { AgencyRollup, ShopDashboard } from "@c360/shared/wire/dashboard";
import {
  DASHBOARD_CHANNEL_MIXES,
  LIFECYCLE_STAGES,
  channelMixLabel,
  customersPath,
  monthLabel,
  monthSeries,
  percent,
  stageLabel,
  type CustomerFilters,
} from "./view-model";

export type { AgencyRollup, ShopDashboard };

export interface ChartEntry {
  key: string;
  label: string;
  value: number;
  /** The customer list narrowed to this bar's customers, when the list can filter by it. */
  url?: string;
}

/** One bar per key, in the keys' order (missing counts as 0), each opening the customers it counts. */
const countEntries = <K extends string>(
  keys: readonly K[],
  counts: Partial<Record<K, number>>,
  labelOf: (key: K) => string,
  filterOf: (key: K) => CustomerFilters,
): ChartEntry[] =>
  keys.map((key) => ({ key, label: labelOf(key), value: counts[key] ?? 0, url: customersPath(filterOf(key)) }));

export const lifecycleEntries = (d: Pick<ShopDashboard, "lifecycle">): ChartEntry[] =>
  countEntries(LIFECYCLE_STAGES, d.lifecycle, stageLabel, (stage) => ({ stage }));

export const channelMixEntries = (d: Pick<ShopDashboard, "channelMix">): ChartEntry[] =>
  countEntries(DASHBOARD_CHANNEL_MIXES, d.channelMix, channelMixLabel, (channelMix) => ({ channelMix }));

const FATIGUE_BANDS = [
  ["under_0_3", "Under 0.3"],
  ["0_3_to_0_5", "0.3 to 0.5"],
  ["0_5_to_0_7", "0.5 to 0.7"],
  ["blocked_0_7_plus", "0.7 and above"],
] as const;

export const fatigueEntries = (d: Pick<ShopDashboard, "fatigue">): ChartEntry[] =>
  FATIGUE_BANDS.map(([key, label]) => ({ key, label, value: d.fatigue[key] ?? 0 }));

/** One sentence under the fatigue chart: the share the gate would block right now. */
export function fatigueSummary(d: Pick<ShopDashboard, "fatigue">): string {
  const threshold = d.fatigue.threshold.toFixed(2);
  return (
    `${percent(d.fatigue.shareAtOrAboveThreshold)} of customers are at or above the fatigue threshold ` +
    `(${threshold}): the send gate blocks marketing to them this week.`
  );
}

const COVERAGE = [
  ["withEmail", "Has an email", { has: "email" }],
  ["withPhone", "Has a phone", { has: "phone" }],
  ["emailConsent", "Email opt-in", { consent: "email" }],
  ["smsConsent", "SMS opt-in", { consent: "sms" }],
  ["whatsappConsent", "WhatsApp opt-in", { consent: "whatsapp" }],
  ["pushConsent", "Push opt-in", { consent: "push" }],
] as const;

/** Each bar is a share of every profile (one customer counts in several bars), so chart it with `of: profiles`. */
export const coverageEntries = (d: Pick<ShopDashboard, "coverage">): ChartEntry[] =>
  COVERAGE.map(([key, label, filter]) => ({ key, label, value: d.coverage[key] ?? 0, url: customersPath(filter) }));

/** The last 12 months, quiet ones as zeros, labelled "Mar 2026". */
export const monthlyEntries = (d: Pick<ShopDashboard, "spendOverTime" | "asOf">) =>
  monthSeries(d.spendOverTime, d.asOf, { orders: 0, spend: 0, refunds: 0 }, 12).map((m) => ({
    ...m,
    label: monthLabel(m.month),
  }));

export interface RfmCell {
  r: number;
  f: number;
  count: number;
  /** 0-1 of the fullest cell, for its shade. */
  weight: number;
  url: string;
}

/**
 * The RFM grid: recency 5 (recent) at the top down to 1, frequency 1 to 5 left to right, every cell
 * present (empty ones as 0), each linking to its customers.
 */
export function rfmGrid(d: Pick<ShopDashboard, "rfmGrid">): RfmCell[][] {
  const max = Math.max(0, ...d.rfmGrid.map((c) => c.count));
  return [5, 4, 3, 2, 1].map((r) =>
    [1, 2, 3, 4, 5].map((f) => {
      const count = d.rfmGrid.find((c) => c.r === r && c.f === f)?.count ?? 0;
      return {
        r,
        f,
        count,
        weight: max === 0 ? 0 : count / max,
        url: customersPath({ rfmR: String(r), rfmF: String(f) }),
      };
    }),
  );
}

/** `part` of `whole` as a rounded percentage; 0 of nothing is 0, not NaN. */
export const shareOf = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

export interface RollupRow {
  shopId: string;
  profiles: number;
  /** Percent of profiles per lifecycle stage, every stage in order. */
  lifecycle: { stage: string; label: string; share: number }[];
  fatigueShare: number;
  fatigueText: string;
  flagged: boolean;
  coverage: { key: string; label: string; share: number }[];
  channelMix: { key: string; label: string; share: number }[];
}

/** One table row per shop, each from that shop's own figures only. */
export function rollupRows(rollup: Pick<AgencyRollup, "flagShare" | "shops">): RollupRow[] {
  return rollup.shops.map((shop) => {
    const n = shop.profiles;
    const fatigueShare = Math.round(shop.fatigue.shareAtOrAboveThreshold * 1000) / 10;
    return {
      shopId: shop.shopId,
      profiles: n,
      lifecycle: lifecycleEntries(shop).map((e) => ({ stage: e.key, label: e.label, share: shareOf(e.value, n) })),
      fatigueShare,
      fatigueText: `${fatigueShare}% at or above ${shop.fatigue.threshold.toFixed(2)}`,
      // The server decides the flag; an answer without it is judged by the same rule it states (strictly more than).
      flagged: shop.fatigueFlag ?? shop.fatigue.shareAtOrAboveThreshold > rollup.flagShare,
      coverage: [
        { key: "withEmail", label: "Email", share: shareOf(shop.coverage.withEmail, n) },
        { key: "withPhone", label: "Phone", share: shareOf(shop.coverage.withPhone, n) },
        { key: "emailConsent", label: "Email opt-in", share: shareOf(shop.coverage.emailConsent, n) },
        { key: "smsConsent", label: "SMS opt-in", share: shareOf(shop.coverage.smsConsent, n) },
      ],
      channelMix: [
        { key: "in_store_only", label: "In store", share: shareOf(shop.channelMix.in_store_only, n) },
        { key: "online_only", label: "Online", share: shareOf(shop.channelMix.online_only, n) },
        { key: "omnichannel", label: "Both", share: shareOf(shop.channelMix.omnichannel, n) },
      ],
    };
  });
}

/** "Loyal 40% · At risk 10%": the parts worth reading, largest first, zero shares left out. */
export const shareList = (parts: { label: string; share: number }[]) =>
  parts
    .filter((p) => p.share > 0)
    .sort((a, b) => b.share - a.share)
    .map((p) => `${p.label} ${p.share}%`)
    .join(" · ") || "—";

/** What the grant form accepts as a Shopify user ID: the server's own (shared) rule, so form and route agree. */
export const agencyUserError = agencyUserIdProblem;
