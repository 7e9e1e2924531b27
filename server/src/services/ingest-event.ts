import { webhookCustomerSchema, webhookOrderSchema, webhookRefundSchema, type WebhookTopic } from "@c360/shared";
import type { Queryable } from "../db/client";
import { ingestCustomer } from "./ingest-customer";
import { ingestOrder, ingestRefund } from "./ingest-order";
import type { ShopContext } from "./shop";

/** The data topics (customers, orders, refunds) routed to their ingest service. Returns false for other topics. */
export async function ingestEvent(q: Queryable, shop: ShopContext, topic: WebhookTopic, payload: unknown, now: Date): Promise<boolean> {
  switch (topic) {
    case "customers/create":
    case "customers/update":
      await ingestCustomer(q, shop, webhookCustomerSchema.parse(payload), now);
      return true;
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
      await ingestOrder(q, shop, webhookOrderSchema.parse(payload), now);
      return true;
    case "refunds/create":
      await ingestRefund(q, shop, webhookRefundSchema.parse(payload), now);
      return true;
    default:
      return false;
  }
}
