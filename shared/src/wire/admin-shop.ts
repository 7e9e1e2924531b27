/**
 * What the server answers the admin about the shop itself: erasure, settings and consent texts, tablets,
 * webhook deliveries and the Shopify connection. One schema per answer, read by both sides.
 */
import { z } from "zod";
import { shopSettingsSchema } from "../settings";
import { countsOf } from "./common";
import { consentTextViewSchema } from "./consent";

const isoTime = z.string();
/** Rows an erasure step changes (or would), by step name. */
const rowsByStep = z.record(z.string(), z.number());

/** `GET /api/gdpr/profiles/:id/preview`: what erasing this customer would change. */
export const erasurePreviewSchema = z.object({ profileId: z.string(), willChange: rowsByStep });
export type ErasurePreview = z.infer<typeof erasurePreviewSchema>;
/** `POST /api/gdpr/profiles/:id/erase`. */
export const erasureDoneSchema = z.object({ erased: z.literal(true), profileId: z.string(), changed: rowsByStep });
export type ErasureDone = z.infer<typeof erasureDoneSchema>;

/** `GET /api/settings`: the effective settings (defaults filled in) and what the shop overrides. */
export const settingsAnswerSchema = z.object({
  settings: shopSettingsSchema,
  overrides: z.record(z.string(), z.unknown()),
});
export type SettingsAnswer = z.infer<typeof settingsAnswerSchema>;
/** What a saved change did at once (customers re-staged) or will do (rules that apply to new events only). */
export const settingsEffectsSchema = z.object({
  restaged: z.number().optional(),
  stageChanged: z.number().optional(),
  appliesToNewEvents: z.array(z.string()).optional(),
});
export type SettingsEffects = z.infer<typeof settingsEffectsSchema>;
/** `PUT /api/settings`. */
export const settingsSavedSchema = settingsAnswerSchema.extend({ effects: settingsEffectsSchema });
export type SettingsSaved = z.infer<typeof settingsSavedSchema>;

/** `GET /api/consent-texts` (the version to show today, per channel and locale) and a published one. */
export const consentTextListSchema = z.object({ texts: z.array(consentTextViewSchema) });
export type ConsentTextList = z.infer<typeof consentTextListSchema>;
export const consentTextPublishedSchema = z.object({ text: consentTextViewSchema });
export type ConsentTextPublished = z.infer<typeof consentTextPublishedSchema>;

/** `GET /api/devices`: the shop's companion tablets. */
export const deviceSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  locationId: z.string().nullable(),
  createdAt: isoTime.nullable(),
  lastSyncAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  status: z.enum(["active", "revoked"]),
  lastSeq: z.number(),
  rejectedMutations: z.number(),
});
export type Device = z.infer<typeof deviceSchema>;
export const deviceListSchema = z.object({ devices: z.array(deviceSchema) });
export type DeviceList = z.infer<typeof deviceListSchema>;
/** `DELETE /api/devices/:id`: it can no longer sync. */
export const deviceRevokedSchema = z.object({ deviceId: z.string(), revokedAt: isoTime });
export type DeviceRevoked = z.infer<typeof deviceRevokedSchema>;

/** `GET /api/devices/locations`: Shopify's store locations, and those only seen on visits, orders or tablets. */
export const shopLocationSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Whether Shopify named it; otherwise it was only seen on visits, orders or tablets. */
  named: z.boolean(),
});
export type ShopLocation = z.infer<typeof shopLocationSchema>;
export const shopLocationListSchema = z.object({ locations: z.array(shopLocationSchema) });
export type ShopLocationList = z.infer<typeof shopLocationListSchema>;

/** `GET /api/webhooks/health`: deliveries by status. */
export const deliveryHealthSchema = z.record(z.string(), z.number());
export type DeliveryHealth = z.infer<typeof deliveryHealthSchema>;
/** A delivery that failed all its retries, waiting to be re-run. */
export const deadLetterSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** Shopify's event id, as the merchant sees it in Shopify's logs. */
  deliveryId: z.string(),
  topic: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string(),
  failedAt: isoTime,
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
export const deadLetterListSchema = z.object({ deadLetters: z.array(deadLetterSchema) });
export type DeadLetterList = z.infer<typeof deadLetterListSchema>;
/** `POST /api/webhooks/dead/:id/retry`. */
export const deadLetterRequeuedSchema = z.object({ ok: z.literal(true), requeued: z.string() });
export type DeadLetterRequeued = z.infer<typeof deadLetterRequeuedSchema>;

/** "Sync from Shopify": the latest backfill and its progress. */
const BACKFILL_COUNTS = ["customers", "orders", "linesRead", "linesSkipped", "elapsedSeconds"] as const;
export const shopifyBackfillSchema = countsOf(BACKFILL_COUNTS).extend({
  id: z.string(),
  status: z.string(),
  linesTotal: z.number().nullable(),
  error: z.string().nullable(),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
});
export type ShopifyBackfill = z.infer<typeof shopifyBackfillSchema>;
/** An Admin API job: waiting to retry (`retryAt`) or failed for good (`id`, `failedAt`, re-run as a dead letter). */
const shopifyJobSchema = z.object({
  kind: z.string(),
  ref: z.string(),
  attempts: z.number(),
  lastError: z.string().nullable(),
});
/** `GET /api/shopify/status`. */
export const shopifyStatusSchema = z.object({
  connected: z.boolean(),
  scope: z.string().nullable(),
  connectedAt: isoTime.nullable(),
  backfill: shopifyBackfillSchema.nullable(),
  pendingJobs: z.array(shopifyJobSchema.extend({ retryAt: isoTime.nullable() })),
  failedJobs: z.array(shopifyJobSchema.extend({ id: z.string(), lastError: z.string(), failedAt: isoTime.nullable() })),
});
export type ShopifyStatus = z.infer<typeof shopifyStatusSchema>;
/** `POST /api/shopify/backfill`: the backfill started, or the one already running. */
export const shopifySyncStartedSchema = z.object({ backfill: shopifyBackfillSchema, started: z.boolean() });
export type ShopifySyncStarted = z.infer<typeof shopifySyncStartedSchema>;

/** `POST /api/agency/grants`. */
export const agencyGrantSchema = z.object({ shopId: z.string(), userId: z.string() });
export type AgencyGrant = z.infer<typeof agencyGrantSchema>;
