/**
 * Words the register and the admin show for shared facts. This entry point (`@c360/shared/labels`)
 * imports no zod and no runtime from the wire schemas, so a POS extension can use it and stay small;
 * `register.test.ts` checks the bundle of this file stays free of zod.
 */
import type { Channel } from "../settings";
import type { LifecycleStage } from "../profile/lifecycle";
import { loyaltyNudge } from "../loyalty/tiers";

export const LIFECYCLE_LABELS: Record<LifecycleStage, string> = {
  new: "New",
  engaged: "Engaged",
  converted: "First-time buyer",
  loyal: "Loyal",
  at_risk: "At risk",
  churned: "Churned",
};

export type ChurnBand = "healthy" | "drifting" | "at_risk" | "likely_lost";

export const CHURN_LABELS: Record<ChurnBand, string> = {
  healthy: "Healthy",
  drifting: "Drifting",
  at_risk: "At risk",
  likely_lost: "Likely lost",
};

/**
 * The engagement score (0–1) as a clerk reads it: a percentage with a word. "—" when never scored.
 * Bands: below 0.2 low, below 0.5 some, from 0.5 high (half the saturated signals).
 */
export function engagementLabel(score: number | null | undefined): string {
  if (score == null || !Number.isFinite(score)) return "—";
  const band = score < 0.2 ? "low" : score < 0.5 ? "some" : "high";
  return `${Math.round(score * 100)}% (${band})`;
}

/** Typed against `Channel`, so a channel added to settings fails typecheck until it is labelled. */
export const CHANNEL_LABELS: Record<Channel, string> = {
  email: "Email",
  sms: "SMS",
  whatsapp: "WhatsApp",
  push: "Push notifications",
};

/** "$1,234.50"; an unknown currency code still reads ("10.00 XXX") instead of throwing at the till. */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

export interface LoyaltyLineInput {
  nextTier: string | null;
  pointsToNextTier: number | null;
}

/** "1 point to Gold", "120 points to Gold", or "Top tier": the same words as the loyalty rule's nudge. */
export function nextTierLine(loyalty: LoyaltyLineInput): string {
  if (loyalty.nextTier === null || loyalty.pointsToNextTier === null) return "Top tier";
  return (
    loyaltyNudge({ tier: "", nextTier: loyalty.nextTier, pointsToNextTier: loyalty.pointsToNextTier, progress: 0 }) ??
    "Top tier"
  );
}

/** "1 point" / "250 points". */
export function pointsLabel(points: number): string {
  return `${points} ${points === 1 ? "point" : "points"}`;
}
