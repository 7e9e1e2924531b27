import {
  shopifyConsentEntries,
  webhookEmailConsentSchema,
  webhookSmsConsentSchema,
  type ShopifyConsentEntry,
  type WebhookCustomer,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { appendConsentRow } from "./consent";
import { recordProfileChange, type ShopContext } from "./shop";

/**
 * Shopify's marketing consent (customer webhooks and the two consent topics) becomes ledger rows with
 * source `shopify`; the ledger's ordering rule weighs them against the register's and the tablet's.
 * Called after the customer records were ingested, inside the same transaction (the shop lock is held).
 */
export async function recordShopifyCustomerConsents(q: Queryable, shop: ShopContext, customers: readonly WebhookCustomer[], now: Date): Promise<void> {
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
export async function recordShopifyConsentUpdate(q: Queryable, shop: ShopContext, topic: string, payload: unknown, now: Date): Promise<void> {
  if (topic === "customers_email_marketing_consent/update") {
    const update = webhookEmailConsentSchema.parse(payload);
    await appendShopifyConsents(q, shop, update.customer_id, shopifyConsentEntries(update.customer_id, { email: update.email_marketing_consent }, now), now);
  } else {
    const update = webhookSmsConsentSchema.parse(payload);
    await appendShopifyConsents(q, shop, update.id, shopifyConsentEntries(update.id, { sms: update.sms_marketing_consent }, now), now);
  }
}

/** Appends the entries not yet in the ledger to the customer's live profile; a customer we do not know is skipped. */
async function appendShopifyConsents(q: Queryable, shop: ShopContext, shopifyCustomerId: string, entries: ShopifyConsentEntry[], now: Date) {
  if (entries.length === 0) return;
  const profileId = await liveProfileOf(q, shop.shopId, shopifyCustomerId);
  if (!profileId) return;
  let appended = false;
  for (const entry of entries) {
    const [seen] = await queryRows(q, sql`SELECT 1 FROM consents WHERE shop_id = ${shop.shopId} AND id = ${entry.id}`);
    if (seen) continue;
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

/** The live profile holding a Shopify customer ID (following merges). */
async function liveProfileOf(q: Queryable, shopId: string, shopifyCustomerId: string): Promise<string | null> {
  const [row] = await queryRows<{ id: string; status: string; merged_into: string | null }>(
    q,
    sql`SELECT p.id, p.status, p.merged_into FROM identifiers i JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id
        WHERE i.shop_id = ${shopId} AND i.kind = 'shopify' AND i.value = ${shopifyCustomerId}`,
  );
  if (!row || row.status === "erased") return null;
  return row.status === "merged" && row.merged_into ? row.merged_into : row.id;
}
