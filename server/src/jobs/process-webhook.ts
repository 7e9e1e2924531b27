import type { WebhookTopic } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { queryRows } from "../db/rows";
import { ingestEvent } from "../services/ingest-event";
import { loadShop } from "../services/shop";
import type { ComplianceHandlers } from "../services/compliance";
import type { Job } from "./queue";

/** Processes one stored webhook delivery inside the job's transaction. */
export function webhookJobHandler(clock: () => Date, compliance: ComplianceHandlers) {
  return async (tx: Tx, job: Job): Promise<void> => {
    const [delivery] = await queryRows<{ topic: WebhookTopic; payload: unknown }>(
      tx,
      sql`SELECT topic, payload FROM webhook_deliveries WHERE shop_id = ${job.shop_id} AND delivery_id = ${job.ref} FOR UPDATE`,
    );
    if (!delivery) return;
    const payload = typeof delivery.payload === "string" ? JSON.parse(delivery.payload) : delivery.payload;
    const now = clock();
    const shop = await loadShop(tx, job.shop_id, { lock: true });
    switch (delivery.topic) {
      case "app/uninstalled":
        await tx.execute(sql`UPDATE shops SET uninstalled_at = ${now} WHERE shop_id = ${job.shop_id}`);
        break;
      case "customers/redact":
        await compliance.customerRedact(tx, shop, payload, now);
        break;
      case "customers/data_request":
        await compliance.customerDataRequest(tx, shop, payload, now);
        break;
      case "shop/redact":
        await compliance.shopRedact(tx, shop, payload, now);
        break;
      default:
        await ingestEvent(tx, shop, delivery.topic, payload, now);
    }
    await tx.execute(sql`UPDATE webhook_deliveries SET status = 'processed', processed_at = ${now}
      WHERE shop_id = ${job.shop_id} AND delivery_id = ${job.ref}`);
  };
}
