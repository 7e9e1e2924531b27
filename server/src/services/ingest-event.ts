import type { WebhookTopic } from "@c360/shared";
import type { Queryable } from "../db/client";
import { ingestBatch, parseDataEvent } from "./ingest-batch";
import type { ShopContext } from "./shop";

/** One data topic (customers, orders, refunds): a batch of one. Returns false for other topics. */
export async function ingestEvent(q: Queryable, shop: ShopContext, topic: WebhookTopic, payload: unknown, now: Date): Promise<boolean> {
  const event = parseDataEvent(topic, payload);
  if (!event) return false;
  await ingestBatch(q, shop, [event], now);
  return true;
}
