import { z } from "zod";

/** Shopify sends IDs as numbers; we keep them as strings. */
const shopifyId = z.union([z.number().int(), z.string().regex(/^\d+$/, "must be a numeric ID")]).transform(String);
const amount = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal amount"), z.number()]).transform(Number);
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const maybe = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? null);

export const WEBHOOK_TOPICS = [
  "customers/create",
  "customers/update",
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "refunds/create",
  "app/uninstalled",
  "customers/redact",
  "customers/data_request",
  "shop/redact",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];
export const webhookTopicSchema = z.enum(WEBHOOK_TOPICS);

const addressSchema = z.object({ zip: maybe(z.string()), address1: maybe(z.string()), country_code: maybe(z.string()) }).loose();

export const webhookCustomerSchema = z
  .object({
    id: shopifyId,
    email: maybe(z.string()),
    phone: maybe(z.string()),
    first_name: maybe(z.string()),
    last_name: maybe(z.string()),
    updated_at: maybe(when),
    created_at: maybe(when),
    default_address: maybe(addressSchema),
  })
  .loose();
export type WebhookCustomer = z.infer<typeof webhookCustomerSchema>;

export const webhookOrderSchema = z
  .object({
    id: shopifyId,
    email: maybe(z.string()),
    phone: maybe(z.string()),
    total_price: amount,
    currency: z.string().length(3),
    source_name: maybe(z.string()),
    location_id: maybe(shopifyId),
    created_at: when,
    updated_at: when,
    cancelled_at: maybe(when),
    customer: maybe(webhookCustomerSchema),
    line_items: z
      .array(
        z
          .object({
            id: shopifyId,
            product_id: maybe(shopifyId),
            variant_id: maybe(shopifyId),
            title: z.string(),
            quantity: z.number().int(),
            price: amount,
          })
          .loose(),
      )
      .default([]),
    /** Cart properties set at the register, e.g. the points redemption this order spends. */
    note_attributes: z
      .array(z.object({ name: z.string(), value: z.unknown() }).loose())
      .nullish()
      .catch(null)
      .transform((v) => v ?? []),
  })
  .loose();
export type WebhookOrder = z.infer<typeof webhookOrderSchema>;

export const webhookRefundSchema = z
  .object({
    id: shopifyId,
    order_id: shopifyId,
    created_at: when,
    transactions: z.array(z.object({ amount, kind: z.string(), status: maybe(z.string()) }).loose()).default([]),
  })
  .loose();
export type WebhookRefund = z.infer<typeof webhookRefundSchema>;

/** Money actually returned: successful refund transactions. */
export function refundAmount(refund: WebhookRefund): number {
  const cents = refund.transactions
    .filter((t) => t.kind === "refund" && (t.status ?? "success") === "success")
    .reduce((sum, t) => sum + Math.round(t.amount * 100), 0);
  return cents / 100;
}

export const webhookCustomerRedactSchema = z
  .object({ shop_domain: z.string(), customer: z.object({ id: shopifyId, email: maybe(z.string()), phone: maybe(z.string()) }).loose() })
  .loose();
export const webhookDataRequestSchema = webhookCustomerRedactSchema;
export const webhookShopRedactSchema = z.object({ shop_domain: z.string() }).loose();
