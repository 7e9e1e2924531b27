import { z } from "zod";
import { channelSchema } from "../settings";
import { isoDate, shortText } from "./common";

export const consentSourceSchema = z.enum(["pos", "companion", "online", "admin"]);

/** One consent capture as a device or the register sends it. `id` makes the capture idempotent. */
export const consentCaptureSchema = z
  .object({
    id: z.uuid(),
    profileId: z.string().min(1).max(64).optional(),
    shopifyCustomerId: z.string().min(1).max(64).optional(),
    channel: channelSchema,
    action: z.enum(["granted", "revoked"]),
    textVersion: z.number().int().min(1),
    text: z.string().min(1).max(5000),
    locale: z.string().min(2).max(10).default("en"),
    actedAt: isoDate,
    source: consentSourceSchema,
    locationId: shortText(100).nullable().optional(),
    staffId: shortText(100).nullable().optional(),
    jurisdiction: shortText(20).nullable().optional(),
    /** The customer's phone, given with an SMS or WhatsApp grant when the profile has none yet. */
    phone: z.string().trim().min(3).max(40).optional(),
  })
  .refine((c) => c.profileId || c.shopifyCustomerId, "give profileId or shopifyCustomerId");
export type ConsentCapture = z.infer<typeof consentCaptureSchema>;

/** `POST /api/consents`: one capture or many. */
export const consentPostSchema = z.union([
  consentCaptureSchema,
  z.object({ consents: z.array(consentCaptureSchema).min(1).max(500) }),
]);

export const consentTextViewSchema = z.object({
  channel: channelSchema,
  locale: z.string(),
  version: z.number(),
  text: z.string(),
});

export const unsubscribeSchema = z
  .object({
    profileId: z.string().max(64).optional(),
    email: z.string().max(320).optional(),
    phone: z.string().max(40).optional(),
    at: isoDate.optional(),
  })
  .refine((u) => u.profileId || u.email || u.phone, "give profileId, email or phone");
