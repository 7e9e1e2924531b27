import { z } from "zod";
import { CHANNELS } from "../settings";
import { isoDate, storableString } from "./common";
import { PIXEL_BATCH_MAX, PIXEL_EVENT_NAMES } from "./pixel-events";

export { PIXEL_BATCH_MAX, PIXEL_EVENT_NAMES, STANDARD_PIXEL_EVENTS, type PixelEventName } from "./pixel-events";

/** Opaque ids from the browser (Shopify's client and event ids, our session id): no spaces, no markup. */
const opaqueId = (what: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:=-]+$/, `${what} uses letters, digits and _ . : = - only`);

/** A shop's permanent domain, as `init.data.shop.myshopifyDomain` gives it. */
export const shopDomainSchema = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be the shop's myshopify.com domain, like my-shop.myshopify.com");

export const pixelEventSchema = z
  .object({
    /** Shopify's event id: the same event sent twice is stored once. */
    id: opaqueId("id"),
    name: z.enum(PIXEL_EVENT_NAMES),
    /** Shopify's event timestamp; one in the future is taken as the time it arrived. */
    at: isoDate,
    /** The product a product view or cart addition was about (numeric id or Shopify gid). */
    productId: z
      .string()
      .max(80)
      .regex(/^(gid:\/\/shopify\/Product\/)?\d{1,20}$/, "must be a Shopify product id or gid")
      .optional(),
    /** What the buyer typed at checkout or the signed-in customer's own: raw, normalised by the server. */
    email: storableString().max(320).optional(),
    phone: storableString().max(64).optional(),
    shopifyCustomerId: z
      .string()
      .max(64)
      .regex(/^(gid:\/\/shopify\/Customer\/)?\d{1,20}$/, "must be a Shopify customer id or gid")
      .optional(),
  })
  .strict();
export type PixelEvent = z.infer<typeof pixelEventSchema>;

/** `POST /pixel/events`: one browser's events in a small batch; the pixel holds no secret. */
export const pixelBatchSchema = z
  .object({
    shop: shopDomainSchema,
    /** Shopify's browser client id (`event.clientId`): the device identifier of this browser. */
    clientId: opaqueId("clientId").min(8),
    /** The pixel's id for this browser session (kept in sessionStorage): sessions are counted by it. */
    sessionId: opaqueId("sessionId").min(8),
    events: z.array(pixelEventSchema).min(1).max(PIXEL_BATCH_MAX),
  })
  .strict();
export type PixelBatch = z.infer<typeof pixelBatchSchema>;

/** What a messaging tool reports about one message to one customer. */
export const MESSAGE_EVENT_KINDS = ["sent", "delivered", "opened", "clicked", "replied", "unsubscribed"] as const;
export type MessageEventKind = (typeof MESSAGE_EVENT_KINDS)[number];

export const messageEventSchema = z
  .object({
    /** The tool's own event id: reporting it again changes nothing. */
    id: opaqueId("id"),
    kind: z.enum(MESSAGE_EVENT_KINDS),
    channel: z.enum(CHANNELS),
    at: isoDate,
    /** Who it was about: at least one; the strongest the shop knows wins. */
    customer: z
      .object({
        shopifyCustomerId: z.union([z.string().max(64), z.number().int().positive()]).optional(),
        email: storableString().max(320).optional(),
        phone: storableString().max(64).optional(),
      })
      .strict()
      .refine((c) => c.shopifyCustomerId != null || c.email != null || c.phone != null, {
        message: "name the customer by shopifyCustomerId, email or phone",
      }),
    /** The tool's message or campaign id, kept for the merchant's reference. */
    messageId: storableString().trim().max(200).optional(),
  })
  .strict();
export type MessageEvent = z.infer<typeof messageEventSchema>;

/** `POST /messaging/events`: up to 500 events per call. */
export const messageEventsSchema = z.object({ events: z.array(messageEventSchema).min(1).max(500) }).strict();

/** `POST /api/messaging-keys`: the merchant names the tool the key is for. */
export const messagingKeyCreateSchema = z.object({ name: storableString().trim().min(1).max(100) }).strict();

/** A messaging tool's API key as the admin lists it; the secret itself is only in the answer that created it. */
export const messagingKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type MessagingKeyView = z.infer<typeof messagingKeySchema>;
export const messagingKeyListSchema = z.object({ keys: z.array(messagingKeySchema) });
export type MessagingKeyList = z.infer<typeof messagingKeyListSchema>;
/** `POST /api/messaging-keys`: the only time the full key exists outside the merchant's tool. */
export const messagingKeyCreatedSchema = messagingKeySchema.extend({ key: z.string() });
export type MessagingKeyCreated = z.infer<typeof messagingKeyCreatedSchema>;
