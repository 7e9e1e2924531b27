import { z } from "zod";
import { isoDate } from "./common";

/**
 * `POST /api/identify`: a storefront session, the companion or any other source says which identifiers
 * it saw together. Raw values; the server normalises them with the shop's country and junk list.
 */
export const identifyRequestSchema = z
  .object({
    identifiers: z
      .object({
        email: z.string().max(320).nullish(),
        phone: z.string().max(64).nullish(),
        deviceId: z.string().max(200).nullish(),
        shopifyCustomerId: z.union([z.string().max(64), z.number().int().positive()]).nullish(),
        marketplaceId: z.string().max(200).nullish(),
      })
      .strict(),
    /** When they were seen together; defaults to now, and a time in the future is taken as now. */
    at: isoDate.optional(),
    /** Makes the call idempotent: the same id twice links once. */
    eventId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : or -")
      .optional(),
    /** `capture` for a companion or register sign-up, `identify` for a web session (the default). */
    source: z.enum(["identify", "capture"]).default("identify"),
  })
  .strict();
export type IdentifyRequest = z.input<typeof identifyRequestSchema>;

export const identifyResponseSchema = z.object({
  profileId: z.string(),
  decision: z.enum(["create", "link", "merge", "candidate", "replay"]),
  mergedAway: z.array(z.string()),
});
export type IdentifyResponse = z.infer<typeof identifyResponseSchema>;
