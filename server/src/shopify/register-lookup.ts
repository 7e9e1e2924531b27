import { adminCustomerToWebhook, adminOrderToWebhook, customerGid } from "@c360/shared";
import type { Database } from "../db/client";
import { HttpError } from "../http/errors";
import { parseDataEvent, ingestBatch, type DataEvent } from "../services/ingest/ingest-batch";
import { withShopLock } from "../services/shop/shop";
import { type ShopifyAdmin, ShopifyNotConnected } from "./admin";
import { CUSTOMER_WITH_ORDERS } from "./queries";

/** How many of a customer's latest orders the register's first lookup brings in (the backfill brings the rest). */
export const REGISTER_LOOKUP_ORDERS = 25;

type Node = Record<string, unknown>;

/** An Admin API customer with nested orders, as the data events a webhook replay would give. */
export function customerEvents(customer: Node): DataEvent[] {
  const orders = ((customer.orders as { nodes?: Node[] } | undefined)?.nodes ?? []).map((o) => adminOrderToWebhook(o));
  return [
    parseDataEvent("customers/update", adminCustomerToWebhook(customer))!,
    // Oldest first, as they happened.
    ...orders.reverse().map((o) => parseDataEvent("orders/updated", o)!),
  ];
}

/**
 * A Shopify customer the register asks about and we have never seen: fetched from the Admin API with
 * their recent orders and ingested exactly as their webhooks would be. Answers false when Shopify does
 * not know them either; throws 503 when Shopify could not be asked (the register may retry).
 */
export async function importCustomerFromShopify(
  database: Database,
  admin: ShopifyAdmin,
  shopId: string,
  shopifyId: string,
  now: Date,
): Promise<boolean> {
  let customer: Node | null;
  try {
    const { data } = await admin.graphql<{ customer: Node | null }>(shopId, CUSTOMER_WITH_ORDERS, {
      id: customerGid(shopifyId),
      orders: REGISTER_LOOKUP_ORDERS,
    });
    customer = data.customer;
  } catch (error) {
    if (error instanceof ShopifyNotConnected) return false;
    throw new HttpError(
      503,
      "shopify_unavailable",
      `customer ${shopifyId} is not known here yet and Shopify could not be asked: ${(error as Error).message}`,
    );
  }
  if (!customer) return false;
  const events = customerEvents(customer);
  await withShopLock(database.db, shopId, async (tx, shop) => {
    await ingestBatch(tx, shop, events, now);
  });
  return true;
}
