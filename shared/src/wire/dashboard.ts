import type { LifecycleStage } from "../profile/lifecycle";

/** One calendar month: orders placed and their spend, and refunds made in it. */
export interface MonthlySpend {
  month: string;
  orders: number;
  spend: number;
  refunds: number;
}

/** `GET /api/dashboard`: one shop's figures, each counted over that shop's rows only. */
export interface ShopDashboard {
  shopId: string;
  asOf: string;
  profiles: number;
  lifecycle: Record<LifecycleStage, number>;
  /**
   * Every profile in exactly one bucket: `no_spend` has orders but nothing kept (refunded in full, or
   * free), so the buckets add up to `profiles`.
   */
  channelMix: { online_only: number; in_store_only: number; omnichannel: number; no_orders: number; no_spend: number };
  /** Customers by their rolling 7-day fatigue score (sent messages / 10, capped at 1). */
  fatigue: {
    under_0_3: number;
    "0_3_to_0_5": number;
    "0_5_to_0_7": number;
    blocked_0_7_plus: number;
    threshold: number;
    shareAtOrAboveThreshold: number;
  };
  /** The shop's currency: spend below is in its main unit. */
  currency: string;
  /** The last 12 months by calendar month in the shop's time zone; months with nothing are left out. */
  spendOverTime: MonthlySpend[];
  /** Active customers by recency (r) and frequency (f) score, 1-5 each; only cells with customers. */
  rfmGrid: { r: number; f: number; count: number }[];
  coverage: {
    profiles: number;
    withEmail: number;
    withPhone: number;
    emailConsent: number;
    smsConsent: number;
    whatsappConsent: number;
    pushConsent: number;
  };
}

/** `GET /api/agency/rollup`: the same figures for every shop that granted the calling user, side by side. */
export interface AgencyRollup {
  userId: string;
  asOf: string;
  /** A shop is flagged when more than this share of its customers is at or above the fatigue threshold. */
  flagShare: number;
  shops: (ShopDashboard & { fatigueFlag?: boolean })[];
}
