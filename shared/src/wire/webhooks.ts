import { z } from "zod";
import { toMinorUnits } from "../money/currency";
import { currencyCodeSchema, decimalAmountSchema, minorUnitsOrIssue, moneySetSchema, type Money } from "./money";

/**
 * Shopify sends IDs as JSON numbers, many above 2^53; `readWebhookJson` has already turned those into
 * strings of the same digits, so only safe integers still arrive here as numbers. We keep them as strings.
 */
const shopifyId = z.union([z.number().int(), z.string().regex(/^\d+$/, "must be a numeric ID")]).transform(String);
const amount = decimalAmountSchema;
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const maybe = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? null);

/**
 * The webhook API version we subscribe with: `[webhooks] api_version` in shopify.app.toml (a test keeps them equal).
 */
export const WEBHOOK_API_VERSION = "2025-07";

export const WEBHOOK_TOPICS = [
  "customers/create",
  "customers/update",
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "refunds/create",
  "app/uninstalled",
  "customers/delete",
  "customers/merge",
  "orders/delete",
  "customers_email_marketing_consent/update",
  "customers_marketing_consent/update",
  "customers/redact",
  "customers/data_request",
  "shop/redact",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];
export const webhookTopicSchema = z.enum(WEBHOOK_TOPICS);

const addressSchema = z
  .object({
    zip: maybe(z.string()),
    address1: maybe(z.string()),
    country_code: maybe(z.string()),
    address2: maybe(z.string()),
    city: maybe(z.string()),
  })
  .loose();

/** Shopify's marketing consent of one channel, as customer webhooks carry it. */
export const shopifyMarketingConsentSchema = z
  .object({ state: maybe(z.string()), opt_in_level: maybe(z.string()), consent_updated_at: maybe(when) })
  .loose();
export type ShopifyMarketingConsent = z.infer<typeof shopifyMarketingConsentSchema>;

/** Who a Shopify record is about and how to reach them: customers, orders and redact requests carry these. */
const contactFields = { id: shopifyId, email: maybe(z.string()), phone: maybe(z.string()) };

export const webhookCustomerSchema = z
  .object({
    ...contactFields,
    first_name: maybe(z.string()),
    last_name: maybe(z.string()),
    updated_at: maybe(when),
    created_at: maybe(when),
    default_address: maybe(addressSchema),
    email_marketing_consent: maybe(shopifyMarketingConsentSchema),
    sms_marketing_consent: maybe(shopifyMarketingConsentSchema),
  })
  .loose();
export type WebhookCustomer = z.infer<typeof webhookCustomerSchema>;

export const webhookOrderSchema = z
  .object({
    ...contactFields,
    total_price: amount,
    /** The shop's currency: REST `total_price` is in it; `total_price_set` says so explicitly. */
    currency: currencyCodeSchema,
    total_price_set: maybe(moneySetSchema),
    presentment_currency: maybe(currencyCodeSchema),
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
  .loose()
  .transform((order, ctx) => ({ ...order, ...orderMoney(order, ctx) }));
export type WebhookOrder = z.infer<typeof webhookOrderSchema>;

/**
 * The order's money in minor units: `total` in the shop's currency (Shopify's `shop_money`, which is what
 * spend and points count), `presentment` in the currency the customer paid in, kept beside, and each line's
 * price in the shop's currency. Amounts with more decimals than their currency has are refused here.
 */
function orderMoney(
  order: {
    total_price: string | number;
    currency: string;
    total_price_set: z.infer<typeof moneySetSchema> | null;
    line_items: { price: string | number }[];
  },
  ctx: z.RefinementCtx,
): { total: Money; presentment: Money | null; line_prices: number[] } {
  const shop = order.total_price_set?.shop_money;
  const currency = shop?.currency_code ?? order.currency;
  const totalPath = shop ? ["total_price_set", "shop_money", "amount"] : ["total_price"];
  const total = minorUnitsOrIssue(shop?.amount ?? order.total_price, currency, totalPath, ctx) ?? 0;
  const paid = order.total_price_set?.presentment_money;
  const presentmentMinor = paid
    ? minorUnitsOrIssue(paid.amount, paid.currency_code, ["total_price_set", "presentment_money", "amount"], ctx)
    : null;
  const line_prices = order.line_items.map(
    (line, i) => minorUnitsOrIssue(line.price, currency, ["line_items", i, "price"], ctx) ?? 0,
  );
  return {
    total: { minor: total, currency },
    presentment: paid && presentmentMinor !== null ? { minor: presentmentMinor, currency: paid.currency_code } : null,
    line_prices,
  };
}

export const webhookRefundSchema = z
  .object({
    id: shopifyId,
    order_id: shopifyId,
    created_at: when,
    transactions: z
      .array(
        z.object({ amount, kind: z.string(), status: maybe(z.string()), currency: maybe(currencyCodeSchema) }).loose(),
      )
      .default([]),
  })
  .loose();
export type WebhookRefund = z.infer<typeof webhookRefundSchema>;

/**
 * Money actually returned, in minor units of the shop's currency: successful refund transactions in that
 * currency (a transaction without a currency is in it). A transaction in another currency is not added at
 * face value; amounts the currency cannot hold were refused at parse, so they only count here as 0.
 */
export function refundMinorUnits(refund: WebhookRefund, shopCurrency: string): number {
  return refund.transactions
    .filter((t) => t.kind === "refund" && (t.status ?? "success") === "success")
    .filter((t) => (t.currency ?? shopCurrency) === shopCurrency)
    .reduce((sum, t) => {
      const result = toMinorUnits(t.amount, shopCurrency);
      return result.ok ? sum + result.minor : sum;
    }, 0);
}

export const webhookCustomerRedactSchema = z
  .object({
    shop_domain: z.string(),
    customer: z.object(contactFields).loose(),
    /** The customer's orders Shopify asks to redact; kept in the erasure register so late updates stay anonymous. */
    orders_to_redact: z.array(shopifyId).default([]),
  })
  .loose();
export const webhookDataRequestSchema = webhookCustomerRedactSchema;
export const webhookShopRedactSchema = z.object({ shop_domain: z.string() }).loose();

/** customers_email_marketing_consent/update */
export const webhookEmailConsentSchema = z
  .object({
    customer_id: shopifyId,
    email_address: maybe(z.string()),
    email_marketing_consent: maybe(shopifyMarketingConsentSchema),
  })
  .loose();
/** customers_marketing_consent/update (SMS) */
export const webhookSmsConsentSchema = z
  .object({ id: shopifyId, phone: maybe(z.string()), sms_marketing_consent: maybe(shopifyMarketingConsentSchema) })
  .loose();

/** customers/delete and orders/delete carry the ID of what Shopify deleted (and little else). */
export const webhookDeletedSchema = z.object({ id: shopifyId }).loose();

/** Shopify's customer GID (gid://shopify/Customer/123) read as the numeric customer ID we key by. */
const customerGid = z
  .string()
  .regex(/^gid:\/\/shopify\/Customer\/\d+$/, "must be a gid://shopify/Customer/{id}")
  .transform((gid) => gid.slice(gid.lastIndexOf("/") + 1));

/** customers/merge: Shopify merged the deleted customer into the kept one (once `status` is completed). */
export const webhookCustomerMergeSchema = z
  .object({
    admin_graphql_api_customer_kept_id: customerGid,
    admin_graphql_api_customer_deleted_id: customerGid,
    status: z.string(),
  })
  .loose();
