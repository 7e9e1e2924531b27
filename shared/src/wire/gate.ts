import { z } from "zod";
import { channelSchema } from "../settings";
import { isoDate } from "./common";
import { lifecycleStageSchema } from "./profile";

const profileId = z.string().min(1).max(64);

/** `POST /api/gate/check`: would a message to this customer on this channel be sent at `at` (default now)? */
export const gateCheckSchema = z.object({ profileId, channel: channelSchema, at: isoDate.optional() });

/** `POST /api/messages`: decide and log one message; the decision is the message log row. */
export const messageSendSchema = z.object({
  profileId,
  channel: channelSchema,
  kind: z.string().trim().min(1).max(100),
  at: isoDate.optional(),
});

/**
 * Who of the audience the gate is asked about: engagement score bounds (0–1, inclusive; a profile never
 * scored counts 0) and lifecycle stages. Shared `matchesAudienceFilters` is the rule; the server applies it in SQL.
 */
export const audienceFiltersSchema = z
  .object({
    minEngagement: z.number().min(0).max(1).optional(),
    maxEngagement: z.number().min(0).max(1).optional(),
    lifecycleStages: z.array(lifecycleStageSchema).min(1).max(6).optional(),
  })
  .strict()
  .refine((f) => f.minEngagement === undefined || f.maxEngagement === undefined || f.minEngagement <= f.maxEngagement, {
    message: "minEngagement must not be above maxEngagement",
  });
export type AudienceFilters = z.infer<typeof audienceFiltersSchema>;

/** `POST /api/gate/audience`: the gate over a list of customers or the whole shop, with allowed ids paged. */
export const gateAudienceSchema = z
  .object({
    profileIds: z.array(profileId).min(1).max(100_000).optional(),
    all: z.literal(true).optional(),
    filters: audienceFiltersSchema.optional(),
    channel: channelSchema,
    at: isoDate.optional(),
    limit: z.number().int().min(0).max(10_000).default(1000),
    offset: z.number().int().min(0).default(0),
  })
  .refine((a) => (a.profileIds ? !a.all : a.all), "give either profileIds or all: true");
export type GateAudienceRequest = z.infer<typeof gateAudienceSchema>;

/**
 * The answer to `POST /api/gate/audience`: every customer of the audience counted (allowed, or blocked
 * per exact reason as the message log would write it) and one page of the allowed ids, in input order
 * for a list and by id for the whole shop. A million decisions answer in one small document; the ids
 * are paged with `limit`/`offset`.
 */
export const gateAudienceResponseSchema = z.object({
  channel: channelSchema,
  at: z.string(),
  total: z.number().int().min(0),
  allowed: z.number().int().min(0),
  blocked: z.record(z.string(), z.number().int().min(0)),
  allowedIds: z.array(profileId),
  limit: z.number().int().min(0),
  offset: z.number().int().min(0),
  unknownIds: z.array(profileId),
});
export type GateAudienceResponse = z.infer<typeof gateAudienceResponseSchema>;
