import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { preparedRows } from "../../db/prepared";

export interface VerifiedDelivery {
  shopId: string;
  deliveryId: string;
  eventId: string | null;
  topic: string;
  webhookId: string | null;
  /** The body as read, less any NUL: Shopify's JSON with big IDs as strings; PostgreSQL reads it into jsonb. */
  payloadText: string;
}

/**
 * Stores a verified delivery and queues its job in one statement, once per shop and delivery: a repeat stores
 * nothing and answers false. A fixed-text, prepared statement, so each connection plans it once.
 */
export async function storeDelivery(database: Database, d: VerifiedDelivery, now: Date): Promise<boolean> {
  const inserted = await preparedRows<{ id: string }>(
    database,
    sql`WITH s AS (INSERT INTO shops (shop_id) VALUES (${d.shopId}) ON CONFLICT (shop_id) DO NOTHING),
         d AS (INSERT INTO webhook_deliveries (shop_id, delivery_id, event_id, topic, webhook_id, payload)
               VALUES (${d.shopId}, ${d.deliveryId}, ${d.eventId}, ${d.topic}, ${d.webhookId}, ${d.payloadText}::jsonb)
               ON CONFLICT (shop_id, delivery_id) DO NOTHING RETURNING delivery_id)
        INSERT INTO jobs (shop_id, id, kind, ref, run_at)
        SELECT ${d.shopId}, ${crypto.randomUUID()}, 'webhook', delivery_id, ${now} FROM d
        ON CONFLICT (shop_id, kind, ref) DO NOTHING RETURNING id`,
  );
  return inserted.length > 0;
}
