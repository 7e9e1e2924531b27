import { signWebhook } from "../auth/webhook-hmac";
import type { SeedEvent } from "./generate";

/** A generated event as Shopify delivers it: the JSON body, signed, with the topic, shop and event ID headers. */
export function shopifyDelivery(
  event: SeedEvent,
  shopId: string,
  secret: string,
): RequestInit & { method: "POST"; body: string } {
  const body = JSON.stringify(event.payload);
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": event.topic,
      "x-shopify-shop-domain": shopId,
      "x-shopify-event-id": event.id,
      "x-shopify-hmac-sha256": signWebhook(body, secret),
    },
    body,
  };
}
