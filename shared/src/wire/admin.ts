/**
 * What the server answers the embedded admin, as zod schemas: one description the server's routes and
 * the admin's screens share, so a field renamed on one side fails typecheck on the other.
 */
import { z } from "zod";
import { channelSchema } from "../settings";
import {
  churnBandSchema,
  consentChannelViewSchema,
  identifierViewSchema,
  lifecycleStageSchema,
  loyaltyViewSchema,
} from "./profile";

const isoTime = z.string();

/** One row of the customer list (`GET /api/profiles`); not the tablet's `ProfileSummary`, which carries consent. */
export const customerListRowSchema = z.object({
  profileId: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  lifecycleStage: lifecycleStageSchema,
  tier: z.string().nullable(),
  points: z.number(),
  lifetimeSpend: z.number(),
  orderCount: z.number(),
  lastActivityAt: isoTime.nullable(),
});
export type CustomerListRow = z.infer<typeof customerListRowSchema>;

export const customerListSchema = z.object({
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  profiles: z.array(customerListRowSchema),
});
export type CustomerList = z.infer<typeof customerListSchema>;

export const timelineEntrySchema = z.object({
  kind: z.enum(["order", "refund", "visit", "consent", "message", "merge"]),
  id: z.string(),
  at: isoTime.nullable(),
  summary: z.string(),
  /** An order's total, or a refund as a negative amount, in the shop's currency. */
  amount: z.number().optional(),
  products: z.array(z.string()).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const monthlySpendSchema = z.object({
  month: z.string(),
  orders: z.number(),
  spend: z.number(),
  refunds: z.number(),
});

/** The 360 profile (`GET /api/profiles/:id`). */
export const customerProfileSchema = z.object({
  profileId: z.string(),
  status: z.enum(["active", "merged", "erased"]),
  shopifyCustomerId: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  lifecycleStage: lifecycleStageSchema,
  /** The register's figures at the top level too (the 360 view extends the register's view). */
  orderCount: z.number(),
  lifetimeSpend: z.number(),
  posSpend: z.number(),
  onlineSpend: z.number(),
  lastVisitAt: isoTime.nullable(),
  lastOrderAt: isoTime.nullable(),
  currency: z.string(),
  churnRisk: z.number().nullable(),
  churnBand: churnBandSchema.nullable(),
  loyalty: loyaltyViewSchema,
  consent: z.record(channelSchema, consentChannelViewSchema),
  openDuplicates: z.number(),
  birthday: z.string().nullable(),
  postcode: z.string().nullable(),
  identifiers: z.array(identifierViewSchema),
  aggregates: z.object({
    orderCount: z.number(),
    lifetimeSpend: z.number(),
    averageOrderValue: z.number(),
    posSpend: z.number(),
    onlineSpend: z.number(),
    firstOrderAt: isoTime.nullable(),
    lastOrderAt: isoTime.nullable(),
    preferredLocationId: z.string().nullable(),
    visitCount: z.number(),
    refunded: z.number(),
  }),
  rfm: z.object({ r: z.number(), f: z.number().nullable(), m: z.number().nullable() }).nullable(),
  /** The churn risk the scores make, explained in one line (the shared churn rule's words). */
  rfmExplanation: z.string().nullable(),
  ltv: z.object({ historical: z.number(), predicted90d: z.number() }),
  nextOrderAt: isoTime.nullable(),
  engagementScore: z.number().nullable(),
  firstSeenAt: isoTime.nullable(),
  lastActivityAt: isoTime.nullable(),
  spendOverTime: z.array(monthlySpendSchema),
  timeline: z.array(timelineEntrySchema),
  asOf: isoTime,
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;

export const profileExplanationSchema = z.object({
  profileId: z.string(),
  explanation: z.array(z.string()),
  merges: z.array(
    z.object({
      mergeId: z.string(),
      at: isoTime,
      auto: z.boolean(),
      reason: z.string(),
      decidedBy: z.string().nullable(),
    }),
  ),
});
export type ProfileExplanation = z.infer<typeof profileExplanationSchema>;

export const mergeRecordSchema = z.object({
  id: z.string(),
  survivorId: z.string(),
  mergedId: z.string(),
  reason: z.string(),
  auto: z.boolean(),
  decidedBy: z.string().nullable(),
  createdAt: isoTime.nullable(),
  undoneAt: isoTime.nullable(),
  undoableUntil: isoTime,
  undoable: z.boolean(),
});
export type MergeRecord = z.infer<typeof mergeRecordSchema>;

/** `GET /api/gdpr/inventory`. */
export const dataInventorySchema = z.object({
  profiles: z.number(),
  profilesWithEmail: z.number(),
  profilesWithPhone: z.number(),
  erasedProfiles: z.number(),
  oldestRecordAt: isoTime.nullable(),
  dataRequests: z.number(),
  /** Late data naming an erased customer that was kept out, by where it came from, and the latest. */
  erasedCustomersHeldBack: z.object({
    webhooks: z.number(),
    captures: z.number(),
    sessions: z.number(),
    backfillRows: z.number(),
    lastAt: isoTime.nullable(),
  }),
  retention: z.object({
    policy: z.string(),
    automaticDeletion: z.boolean(),
    inactiveOver2Years: z.number(),
    note: z.string(),
  }),
});
export type DataInventory = z.infer<typeof dataInventorySchema>;

/** `POST /api/dashboard/recompute` and its poll `GET /api/dashboard/recompute/:jobId`. */
export const recomputeStatusSchema = z.discriminatedUnion("status", [
  z.object({ jobId: z.string(), status: z.enum(["queued", "running"]), requestedAt: isoTime }),
  z.object({
    jobId: z.string(),
    status: z.literal("retrying"),
    requestedAt: isoTime,
    attempts: z.number(),
    lastError: z.string().nullable(),
  }),
  z.object({ jobId: z.string(), status: z.literal("failed"), requestedAt: isoTime, error: z.string() }),
  z.object({
    jobId: z.string(),
    status: z.literal("done"),
    requestedAt: isoTime,
    finishedAt: isoTime,
    profiles: z.number(),
    changed: z.number(),
    newCandidates: z.number(),
  }),
]);
export type RecomputeStatus = z.infer<typeof recomputeStatusSchema>;

/** A settings refusal placed on its field (`fields` of a refused `PUT /api/settings`). */
export const settingsRefusalSchema = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string().nullable(), message: z.string() })).optional(),
});
