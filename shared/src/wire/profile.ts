import { z } from "zod";
import { CHURN_BANDS } from "../profile/churn";
import { LIFECYCLE_STAGES } from "../profile/lifecycle";
import { channelSchema } from "../settings";

export const lifecycleStageSchema = z.enum(LIFECYCLE_STAGES);
export const churnBandSchema = z.enum(CHURN_BANDS);

export const identifierViewSchema = z.object({
  kind: z.enum(["shopify", "email", "marketplace", "phone", "device"]),
  value: z.string(),
  source: z.string(),
  linkedAt: z.string(),
});

export const loyaltyViewSchema = z.object({
  points: z.number(),
  tier: z.string(),
  nextTier: z.string().nullable(),
  pointsToNextTier: z.number().nullable(),
  progress: z.number(),
});

export const consentChannelViewSchema = z.object({ granted: z.boolean(), since: z.string().nullable() });

/**
 * Who a customer is and how to reach them: the head of every view of one customer (the register's search
 * match, its customer view, the admin's 360 page). `shopifyCustomerId` is null while the profile has no
 * Shopify customer yet, so the register cannot attach it to a cart.
 */
export const customerContactSchema = z.object({
  profileId: z.string(),
  shopifyCustomerId: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
});

/** The register's view of one customer: `GET /api/pos/customers/:shopifyCustomerId`. */
export const posCustomerViewSchema = customerContactSchema.extend({
  lifecycleStage: lifecycleStageSchema,
  orderCount: z.number(),
  lifetimeSpend: z.number(),
  posSpend: z.number(),
  onlineSpend: z.number(),
  currency: z.string(),
  churnRisk: z.number().nullable(),
  churnBand: churnBandSchema.nullable(),
  /** 0–1 from recent replies, clicks, opens, visits and web sessions; null until first computed. */
  engagementScore: z.number().nullable().optional(),
  lastVisitAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(),
  loyalty: loyaltyViewSchema,
  consent: z.record(channelSchema, consentChannelViewSchema),
  openDuplicates: z.number(),
  /** The last 5 orders, newest first, with their product names: what the clerk can talk about. */
  recentOrders: z
    .array(z.object({ orderId: z.string(), placedAt: z.string(), total: z.number(), products: z.array(z.string()) }))
    .optional(),
  /** The shop's points-to-money rate, so the register quotes a discount before holding points. */
  redemption: z.object({ pointsPerUnit: z.number().int(), minimumPoints: z.number().int() }).optional(),
  asOf: z.string(),
});
export type PosCustomerView = z.infer<typeof posCustomerViewSchema>;
