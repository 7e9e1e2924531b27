/**
 * What the server answers the embedded admin, as zod schemas: one description the server's routes and
 * the admin's screens share, so a field renamed on one side fails typecheck on the other.
 */
import { z } from "zod";
import { countsOf, pageFields } from "./common";
import { monthlySpendSchema } from "./dashboard";
import { identifierViewSchema, posCustomerViewSchema } from "./profile";

const isoTime = z.string();

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

/**
 * The 360 profile (`GET /api/profiles/:id`): the register's view of the customer (its figures at the top
 * level too), without the register's recent orders and redemption rate, and with everything the admin adds.
 */
export const customerProfileSchema = posCustomerViewSchema.omit({ recentOrders: true, redemption: true }).extend({
  status: z.enum(["active", "merged", "erased"]),
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
  /** Always present here, null until first computed (the register's view may leave it out). */
  engagementScore: z.number().nullable(),
  firstSeenAt: isoTime.nullable(),
  lastActivityAt: isoTime.nullable(),
  spendOverTime: z.array(monthlySpendSchema),
  timeline: z.array(timelineEntrySchema),
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;

/**
 * One row of the customer list (`GET /api/profiles`): the 360 profile's figures, with the loyalty tier (null
 * when none is stored) and points at the top level; not the tablet's `ProfileSummary`, which carries consent.
 */
export const customerListRowSchema = customerProfileSchema
  .pick({
    profileId: true,
    firstName: true,
    lastName: true,
    lifecycleStage: true,
    lifetimeSpend: true,
    orderCount: true,
    lastActivityAt: true,
  })
  .extend({ tier: z.string().nullable(), points: z.number() });
export type CustomerListRow = z.infer<typeof customerListRowSchema>;

export const customerListSchema = z.object({ ...pageFields, profiles: z.array(customerListRowSchema) });
export type CustomerList = z.infer<typeof customerListSchema>;

/** Why two profiles became one: the rule's reason, and whether a person decided it (and who) or the rule alone. */
const mergeDecision = { auto: z.boolean(), reason: z.string(), decidedBy: z.string().nullable() };

export const profileExplanationSchema = z.object({
  profileId: z.string(),
  explanation: z.array(z.string()),
  /** Every identifier the profile holds, with the event that linked it (null when none is recorded). */
  identifiers: z.array(identifierViewSchema.extend({ eventId: z.string().nullable() })),
  merges: z.array(z.object({ mergeId: z.string(), at: isoTime, ...mergeDecision })),
});
export type ProfileExplanation = z.infer<typeof profileExplanationSchema>;

/** One merge of `GET /api/merges` (the shop's, or one customer's), with how long it can be undone. */
export const mergeRecordSchema = z.object({
  id: z.string(),
  survivorId: z.string(),
  mergedId: z.string(),
  /** The identifiers seen together that joined them; null `eventId` for a merge a person decided. */
  evidence: z.array(identifierViewSchema.pick({ kind: true, value: true })),
  eventId: z.string().nullable(),
  ...mergeDecision,
  createdAt: isoTime.nullable(),
  undoneAt: isoTime.nullable(),
  undoableUntil: isoTime,
  undoable: z.boolean(),
});
export type MergeRecord = z.infer<typeof mergeRecordSchema>;
export const mergeListSchema = z.object({ merges: z.array(mergeRecordSchema) });
export type MergeList = z.infer<typeof mergeListSchema>;

/** One row of a customer's consent ledger, as `GET /api/profiles/:id/consents` lists it (hash-chained). */
export const consentLedgerRowSchema = z.object({
  id: z.string(),
  seq: z.number(),
  profileId: z.string(),
  channel: z.string(),
  action: z.enum(["granted", "revoked"]),
  textVersion: z.number().nullable(),
  text: z.string().nullable(),
  locale: z.string().nullable(),
  actedAt: isoTime,
  deviceTime: isoTime,
  receivedAt: isoTime,
  clamped: z.boolean(),
  source: z.string(),
  locationId: z.string().nullable(),
  deviceId: z.string().nullable(),
  staffId: z.string().nullable(),
  jurisdiction: z.string().nullable(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type ConsentLedgerRowView = z.infer<typeof consentLedgerRowSchema>;

/** `GET /api/profiles/:id/consents`: consent now, per channel, and the ledger behind it. */
export const profileConsentsSchema = z.object({
  profileId: z.string(),
  current: posCustomerViewSchema.shape.consent,
  history: z.array(consentLedgerRowSchema),
});
export type ProfileConsents = z.infer<typeof profileConsentsSchema>;

/** `GET /api/gdpr/inventory`. */
export const dataInventorySchema = countsOf([
  "profiles",
  "profilesWithEmail",
  "profilesWithPhone",
  "erasedProfiles",
  "dataRequests",
]).extend({
  oldestRecordAt: isoTime.nullable(),
  /** Late data naming an erased customer that was kept out, by where it came from, and the latest. */
  erasedCustomersHeldBack: countsOf(["webhooks", "captures", "sessions", "backfillRows", "total"]).extend({
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
const recomputeJob = z.object({ jobId: z.string(), requestedAt: isoTime });
export const recomputeStatusSchema = z.discriminatedUnion("status", [
  recomputeJob.extend({ status: z.enum(["queued", "running"]) }),
  recomputeJob.extend({ status: z.literal("retrying"), attempts: z.number(), lastError: z.string().nullable() }),
  recomputeJob.extend({ status: z.literal("failed"), error: z.string() }),
  recomputeJob.extend({
    status: z.literal("done"),
    finishedAt: isoTime,
    ...countsOf(["profiles", "changed", "newCandidates"]).shape,
  }),
]);
export type RecomputeStatus = z.infer<typeof recomputeStatusSchema>;

/** A settings refusal placed on its field (`fields` of a refused `PUT /api/settings`). */
export const settingsRefusalSchema = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string().nullable(), message: z.string() })).optional(),
});
