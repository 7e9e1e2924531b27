import {
  echoesOwnConsent,
  shopifyConsentEntries,
  webhookEmailConsentSchema,
  webhookSmsConsentSchema,
  type ShopifyConsentEntry,
  type WebhookCustomer,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { appendConsentRow } from "./consent";
import { recordProfileChange, type ShopContext } from "../shop/shop";
import { liveProfileOfCustomer } from "../ingest/shopify-customer-events";

/**
 * Shopify's marketing consent (customer webhooks and the two consent topics) becomes ledger rows with
 * source `shopify`; the ledger's ordering rule weighs them against the register's and the tablet's.
 * Called after the customer records were ingested, inside the same transaction (the shop lock is held).
 */
export async function recordShopifyCustomerConsents(
  q: Queryable,
  shop: ShopContext,
  customers: readonly WebhookCustomer[],
  now: Date,
): Promise<void> {
  for (const customer of customers) {
    const entries = shopifyConsentEntries(
      customer.id,
      { email: customer.email_marketing_consent, sms: customer.sms_marketing_consent },
      customer.updated_at ?? customer.created_at ?? now,
    );
    await appendShopifyConsents(q, shop, customer.id, entries, now);
  }
}

/** customers_email_marketing_consent/update and customers_marketing_consent/update (SMS). */
export async function recordShopifyConsentUpdate(
  q: Queryable,
  shop: ShopContext,
  topic: string,
  payload: unknown,
  now: Date,
): Promise<void> {
  const { customerId, states } = consentUpdateOf(topic, payload);
  await appendShopifyConsents(q, shop, customerId, shopifyConsentEntries(customerId, states, now), now);
}

/** Both topics name one customer and one channel's state; only where the payload keeps them differs. */
function consentUpdateOf(topic: string, payload: unknown) {
  if (topic === "customers_email_marketing_consent/update") {
    const update = webhookEmailConsentSchema.parse(payload);
    return { customerId: update.customer_id, states: { email: update.email_marketing_consent } };
  }
  const update = webhookSmsConsentSchema.parse(payload);
  return { customerId: update.id, states: { sms: update.sms_marketing_consent } };
}

/** Appends the entries not yet in the ledger to the customer's live profile; a customer we do not know is skipped. */
async function appendShopifyConsents(
  q: Queryable,
  shop: ShopContext,
  shopifyCustomerId: string,
  entries: ShopifyConsentEntry[],
  now: Date,
) {
  if (entries.length === 0) return;
  const profileId = await liveProfileOfCustomer(q, shop.shopId, shopifyCustomerId);
  if (!profileId) return;
  let appended = false;
  for (const entry of entries) {
    const [seen] = await queryRows(q, sql`SELECT 1 FROM consents WHERE shop_id = ${shop.shopId} AND id = ${entry.id}`);
    if (seen) continue;
    if (echoesOwnConsent(entry, await ownRowsNear(q, shop.shopId, profileId, entry))) continue;
    await appendConsentRow(q, shop.shopId, {
      id: entry.id,
      profileId,
      channel: entry.channel,
      action: entry.action,
      textVersion: null,
      text: entry.text,
      locale: null,
      actedAt: entry.actedAt,
      deviceTime: entry.actedAt,
      receivedAt: now,
      clamped: false,
      source: "shopify",
      locationId: null,
      deviceId: null,
      staffId: null,
      jurisdiction: null,
    });
    appended = true;
  }
  if (appended) await recordProfileChange(q, shop.shopId, profileId, "upsert");
}

/** Our own rows of the entry's channel acted within a second of it: what an echo of our write-back would match. */
async function ownRowsNear(q: Queryable, shopId: string, profileId: string, entry: ShopifyConsentEntry) {
  const from = new Date(entry.actedAt.getTime() - 1000);
  const to = new Date(entry.actedAt.getTime() + 1000);
  const rows = await queryRows<RawRow<typeof tables.consents, "channel" | "action" | "acted_at">>(
    q,
    sql`SELECT channel, action, acted_at FROM consents
        WHERE shop_id = ${shopId} AND profile_id = ${profileId} AND channel = ${entry.channel}
          AND source <> 'shopify' AND acted_at BETWEEN ${from} AND ${to}`,
  );
  return rows.map((r) => ({ channel: r.channel, action: r.action, actedAt: new Date(r.acted_at) }));
}
