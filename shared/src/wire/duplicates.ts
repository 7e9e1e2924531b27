/**
 * The duplicates queue and its decisions (`/api/duplicates`, `/api/merges/:id/undo`), as the server answers
 * them and the admin reads them.
 */
import { z } from "zod";
import { customerProfileSchema, mergeRecordSchema } from "./admin";
import { pageFields } from "./common";
import { identifierViewSchema } from "./profile";

/** One of the two people of a possible duplicate, as a merchant compares them. */
export const duplicatePersonSchema = customerProfileSchema
  .pick({ profileId: true, status: true, firstName: true, lastName: true, orderCount: true })
  .extend({ identifiers: z.array(identifierViewSchema.pick({ kind: true, value: true })) });
export type DuplicatePerson = z.infer<typeof duplicatePersonSchema>;

export const duplicateSchema = z.object({
  /**
   * Two Shopify customers are merged in Shopify (customerMerge), and this app follows; otherwise here. Once
   * "Merge in Shopify" is sent, the pair waits for Shopify's customers/merge webhook.
   */
  action: z.enum(["merge", "merge_in_shopify", "waiting_for_shopify"]),
  /** When "Merge in Shopify" was sent; null until then. */
  sentToShopifyAt: z.string().nullable(),
  id: z.string(),
  kind: z.enum(["conflict", "probabilistic"]),
  reason: z.string(),
  /** A probabilistic duplicate's `MatchExplanation` (weight and per-field evidence); a conflict's identifiers. */
  evidence: z.unknown(),
  score: z.number().nullable(),
  createdAt: z.string().nullable(),
  profiles: z.tuple([duplicatePersonSchema.nullable(), duplicatePersonSchema.nullable()]),
});
export type Duplicate = z.infer<typeof duplicateSchema>;

/** `GET /api/duplicates`: open duplicates, newest first. */
export const duplicateListSchema = z.object({
  ...pageFields,
  /** Whether "Merge in Shopify" can be sent: the shop's Admin API connection exists. */
  shopifyConnected: z.boolean(),
  duplicates: z.array(duplicateSchema),
});
export type DuplicateList = z.infer<typeof duplicateListSchema>;

/** `POST /api/duplicates/:id/merge`: merged here, undoable until then. */
export const mergeDoneSchema = mergeRecordSchema
  .pick({ survivorId: true, mergedId: true, undoableUntil: true })
  .extend({ mergeId: z.string() });
export type MergeDone = z.infer<typeof mergeDoneSchema>;

/** `POST /api/duplicates/:id/dismiss` and `.../merge-in-shopify`: what became of the duplicate. */
export const duplicateDecisionSchema = z.object({ id: z.string(), status: z.enum(["dismissed", "sent_to_shopify"]) });
export type DuplicateDecision = z.infer<typeof duplicateDecisionSchema>;

/** `POST /api/merges/:id/undo`: the merged-away profile is back beside its survivor. */
export const mergeUndoneSchema = z.object({ mergeId: z.string(), survivorId: z.string(), restoredId: z.string() });
export type MergeUndone = z.infer<typeof mergeUndoneSchema>;
