import { z } from "zod";
import { channelSchema } from "../settings";
import { clientId, isoDate, shortText, storableString } from "./common";

/** `POST /api/sync/pair`: a tablet trades a one-time code from the admin for its own device token. */
export const pairRequestSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{6,10}$/, "pairing code is 6 to 10 letters or digits"),
  deviceName: storableString().trim().min(1).max(80),
});
export const pairResponseSchema = z.object({
  deviceId: z.string(),
  token: z.string(),
  shop: z.string(),
  location: z.string().nullable(),
  /** The location's name as the shop calls it (absent from servers before issue #20 and for unknown IDs). */
  locationName: z.string().nullable().optional(),
  /** The shop's country for national phone numbers, and its time zone. */
  defaultCountry: z.string().length(2).optional(),
  timeZone: z.string().optional(),
});
export type PairResponse = z.infer<typeof pairResponseSchema>;

/** `POST /api/devices/pairing-codes` (session token). */
export const pairingCodeRequestSchema = z.object({ locationId: shortText(100).nullable().optional() });
export const pairingCodeResponseSchema = z.object({
  code: z.string(),
  expiresAt: z.string(),
  locationId: z.string().nullable(),
});
export type PairingCode = z.infer<typeof pairingCodeResponseSchema>;

const optionalText = (max: number) => shortText(max).nullable().optional();

/** Arguments of every mutation a device may push, by name. */
export const mutationArgsSchemas = {
  "customer.capture": z.object({
    /** The device's local ID for the person; later mutations about them refer to it. */
    localId: z.uuid(),
    profileId: storableString().max(64).nullable().optional(),
    firstName: optionalText(100),
    lastName: optionalText(100),
    email: optionalText(320),
    phone: optionalText(40),
    birthday: z.iso.date().nullable().optional(),
    notes: optionalText(2000),
  }),
  "consent.record": z.object({
    localId: z.uuid().optional(),
    profileId: storableString().max(64).nullable().optional(),
    channel: channelSchema,
    action: z.enum(["granted", "revoked"]),
    textVersion: z.number().int().min(1),
    text: storableString().min(1).max(5000),
    locale: storableString().min(2).max(10).default("en"),
    staffId: optionalText(100),
    jurisdiction: optionalText(20),
  }),
  "visit.log": z.object({
    localId: z.uuid().optional(),
    profileId: storableString().max(64).nullable().optional(),
    shopifyCustomerId: storableString().max(64).nullable().optional(),
    locationId: optionalText(100),
    staffId: optionalText(100),
    at: isoDate,
  }),
  "profile.note": z.object({
    localId: z.uuid().optional(),
    profileId: storableString().max(64).nullable().optional(),
    note: storableString().min(1).max(2000),
  }),
  unsubscribe: z.object({
    localId: z.uuid().optional(),
    profileId: storableString().max(64).nullable().optional(),
    email: optionalText(320),
    phone: optionalText(40),
  }),
} as const;
export type MutationName = keyof typeof mutationArgsSchemas;
export const MUTATION_NAMES = Object.keys(mutationArgsSchemas) as MutationName[];
export type MutationArgs<N extends MutationName> = z.input<(typeof mutationArgsSchemas)[N]>;

/** One queued change; `args` are validated per mutation on the server, so one bad row never blocks the batch. */
export const mutationSchema = z.object({
  seq: z.number().int().min(1),
  id: z.uuid(),
  name: z.string().min(1).max(50),
  args: z.unknown(),
  /** Device time when the staff member made the change. */
  createdAt: isoDate,
});
export type Mutation = z.input<typeof mutationSchema>;

/** `POST /api/sync/push` */
export const pushRequestSchema = z.object({ clientId, mutations: z.array(mutationSchema).max(1000) });
export const pushResultSchema = z.object({
  lastSeq: z.number(),
  applied: z.array(z.string()),
  skipped: z.array(z.string()),
  rejected: z.array(z.object({ id: z.string(), seq: z.number(), reason: z.string() })),
  /** Server profile IDs for device-local customer IDs, so the device can re-key its rows. */
  profiles: z.record(z.string(), z.string()),
  /**
   * Fields of applied mutations that were not kept (an invalid email), for the
   * tablet to show; absent from older servers.
   */
  fieldRejections: z
    .array(z.object({ id: z.string(), seq: z.number(), field: z.string(), reason: z.string() }))
    .optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;
/** 409 body on a gap: the device must resend from `expectedSeq`. */
export const pushGapSchema = z.object({ error: z.literal("seq_gap"), message: z.string(), expectedSeq: z.number() });

/** What a device keeps of each profile for offline lookup. */
export const profileSummarySchema = z.object({
  profileId: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  tier: z.string().nullable(),
  points: z.number(),
  lifecycleStage: z.string(),
  /** Optional: a server before #22 does not send it. */
  engagementScore: z.number().nullable().optional(),
  consent: z.record(channelSchema, z.boolean()),
});
export type ProfileSummary = z.infer<typeof profileSummarySchema>;

export const pullChangeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("upsert"), version: z.number(), profile: profileSummarySchema }),
  z.object({
    kind: z.literal("tombstone"),
    version: z.number(),
    profileId: z.string(),
    mergedInto: z.string().nullable(),
  }),
]);
/** `GET /api/sync/pull?cursor=&limit=` */
export const pullQuerySchema = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  clientId: clientId.optional(),
});
export const pullResponseSchema = z.union([
  z.object({
    reset: z.literal(false).optional(),
    cursor: z.number(),
    hasMore: z.boolean(),
    lastSeq: z.number(),
    changes: z.array(pullChangeSchema),
  }),
  z.object({ reset: z.literal(true), cursor: z.number(), message: z.string() }),
]);
export type PullResponse = z.infer<typeof pullResponseSchema>;
