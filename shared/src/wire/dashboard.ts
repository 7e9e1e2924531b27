import type { LifecycleStage } from "../profile/lifecycle";

/** `GET /api/dashboard`: one shop's figures, each counted over that shop's rows only. */
export interface ShopDashboard {
  shopId: string;
  asOf: string;
  profiles: number;
  lifecycle: Record<LifecycleStage, number>;
  channelMix: { online_only: number; in_store_only: number; omnichannel: number; no_orders: number };
  /** Customers by their rolling 7-day fatigue score (sent messages / 10, capped at 1). */
  fatigue: { under_0_3: number; "0_3_to_0_5": number; "0_5_to_0_7": number; blocked_0_7_plus: number; threshold: number; shareAtOrAboveThreshold: number };
  coverage: { profiles: number; withEmail: number; withPhone: number; emailConsent: number; smsConsent: number; whatsappConsent: number; pushConsent: number };
}

/** `GET /api/agency/rollup`: the same figures for every shop that granted the calling user, side by side. */
export interface AgencyRollup {
  userId: string;
  asOf: string;
  /** A shop is flagged when more than this share of its customers is at or above the fatigue threshold. */
  flagShare: number;
  shops: (ShopDashboard & { fatigueFlag?: boolean })[];
}
