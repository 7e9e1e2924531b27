import { z } from "zod";
import { FATIGUE_BANDS } from "../gate/fatigue";
import { CHANNEL_MIXES } from "../profile/channel-mix";
import { countsOf } from "./common";
import { lifecycleStageSchema } from "./profile";

/** Customers the shop can reach, each figure out of every profile. */
const COVERAGE_FIGURES = [
  "withEmail",
  "withPhone",
  "emailConsent",
  "smsConsent",
  "whatsappConsent",
  "pushConsent",
] as const;

/** One calendar month: orders placed and their spend, and refunds made in it. */
export const monthlySpendSchema = countsOf(["orders", "spend", "refunds"]).extend({ month: z.string() });
export type MonthlySpend = z.infer<typeof monthlySpendSchema>;

/** `GET /api/dashboard`: one shop's figures, each counted over that shop's rows only. */
export const shopDashboardSchema = z.object({
  shopId: z.string(),
  asOf: z.string(),
  profiles: z.number(),
  lifecycle: z.record(lifecycleStageSchema, z.number()),
  /**
   * Every profile in exactly one bucket: `no_spend` has orders but nothing kept (refunded in full, or
   * free), so the buckets add up to `profiles`.
   */
  channelMix: countsOf(CHANNEL_MIXES),
  /** Customers by their rolling 7-day fatigue score (sent messages / 10, capped at 1). */
  fatigue: countsOf([...FATIGUE_BANDS.map((b) => b.key), "threshold", "shareAtOrAboveThreshold"]),
  /** The shop's currency: spend below is in its main unit. */
  currency: z.string(),
  /** The last 12 months by calendar month in the shop's time zone; months with nothing are left out. */
  spendOverTime: z.array(monthlySpendSchema),
  /** Active customers by recency (r) and frequency (f) score, 1-5 each; only cells with customers. */
  rfmGrid: z.array(countsOf(["r", "f", "count"])),
  coverage: countsOf(["profiles", ...COVERAGE_FIGURES]),
});
export type ShopDashboard = z.infer<typeof shopDashboardSchema>;

/** `GET /api/agency/rollup`: the same figures for every shop that granted the calling user, side by side. */
export const agencyRollupSchema = z.object({
  userId: z.string(),
  asOf: z.string(),
  /** A shop is flagged when more than this share of its customers is at or above the fatigue threshold. */
  flagShare: z.number(),
  shops: z.array(shopDashboardSchema.extend({ fatigueFlag: z.boolean().optional() })),
});
export type AgencyRollup = z.infer<typeof agencyRollupSchema>;
