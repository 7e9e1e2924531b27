import type { WebhookTopic } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { queryRows, jsonOf } from "../db/rows";
import { ingestBatch, parseDataEvent, type DataEvent } from "../services/ingest/ingest-batch";
import { loadShop, type ShopContext } from "../services/shop/shop";
import { customerDeleted, customersMerged, orderDeleted } from "../services/ingest/shopify-customer-events";
import { recordShopifyConsentUpdate, recordShopifyCustomerConsents } from "../services/consent/shopify-consent";
import { dropDeliveriesOfRedactedShop, isRedactedShop } from "../services/shop/shop-tombstone";
import { sqlTextArray } from "../db/sql-arrays";
import type { ComplianceHandlers } from "../services/gdpr/compliance";
import type { BatchJobHandler, Job, JobHandler } from "./queue";
import { scheduleLoyaltyWrite } from "../shopify/loyalty-metafields";

interface StoredDelivery {
  delivery_id: string;
  topic: WebhookTopic;
  payload: unknown;
}

const payloadOf = (d: StoredDelivery): unknown => jsonOf(d.payload);

/** Processes one stored webhook delivery inside the job's transaction. */
export function webhookJobHandler(clock: () => Date, compliance: ComplianceHandlers): JobHandler {
  return async (tx: Tx, job: Job): Promise<void> => {
    const [delivery] = await queryRows<StoredDelivery>(
      tx,
      sql`SELECT delivery_id, topic, payload FROM webhook_deliveries WHERE shop_id = ${job.shop_id}
        AND delivery_id = ${job.ref} FOR UPDATE`,
    );
    if (!delivery) return;
    if (await isRedactedShop(tx, job.shop_id)) return dropDeliveriesOfRedactedShop(tx, job.shop_id, [job.ref]);
    const payload = payloadOf(delivery);
    const now = clock();
    const shop = await loadShop(tx, job.shop_id, { lock: true });
    switch (delivery.topic) {
      case "app/uninstalled":
        await tx.execute(sql`UPDATE shops SET uninstalled_at = ${now} WHERE shop_id = ${job.shop_id}`);
        // Shopify revoked the access token with the uninstall; a reinstall exchanges a new one.
        await tx.execute(sql`DELETE FROM shopify_connections WHERE shop_id = ${job.shop_id}`);
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
      case "customers/delete":
        await customerDeleted(tx, shop, payload);
        break;
      case "customers/merge":
        await customersMerged(tx, shop, payload, now);
        break;
      case "orders/delete":
        await orderDeleted(tx, shop, payload, now);
        break;
      case "customers_email_marketing_consent/update":
      case "customers_marketing_consent/update":
        await recordShopifyConsentUpdate(tx, shop, delivery.topic, payload, now);
        break;
      default: {
        const event = parseDataEvent(delivery.topic, payload);
        const heldBack = event ? (await ingestWithConsent(tx, shop, [event], now)).heldBack : [];
        if (heldBack.length > 0) await redactPayloads(tx, job.shop_id, [job.ref]);
      }
    }
    await markProcessed(tx, job.shop_id, [job.ref], now);
  };
}

/**
 * Processes one shop's claimed deliveries together: consecutive data deliveries (customers, orders,
 * refunds) are ingested as one set-based batch; the rare others (compliance, uninstall) run one at a time
 * in their place. A payload that does not parse throws, and the queue retries the jobs one by one.
 */
export function webhookBatchHandler(clock: () => Date, compliance: ComplianceHandlers): BatchJobHandler {
  const one = webhookJobHandler(clock, compliance);
  return async (tx: Tx, jobs: Job[]): Promise<void> => {
    const shopId = jobs[0]!.shop_id;
    const refs = jobs.map((j) => j.ref);
    const rows = await queryRows<StoredDelivery>(
      tx,
      sql`SELECT delivery_id, topic, payload FROM webhook_deliveries WHERE shop_id = ${shopId}
        AND delivery_id = ANY(${sqlTextArray(refs)}) FOR UPDATE`,
    );
    const byRef = new Map(rows.map((r) => [r.delivery_id, r]));
    // Stored while shop/redact ran (intake checked before the tombstone existed): nothing of them is kept.
    if (await isRedactedShop(tx, shopId)) return dropDeliveriesOfRedactedShop(tx, shopId, refs);
    const now = clock();
    let shop = await loadShop(tx, shopId, { lock: true });
    let pending: DataEvent[] = [];
    let pendingRefs: string[] = [];
    const flush = async () => {
      if (pending.length > 0) {
        const { heldBack } = await ingestWithConsent(tx, shop, pending, now);
        await redactPayloads(
          tx,
          shopId,
          heldBack.map((i) => pendingRefs[i]!),
        );
      }
      pending = [];
      pendingRefs = [];
    };
    for (const job of jobs) {
      const delivery = byRef.get(job.ref);
      if (!delivery) continue;
      const event = parseDataEvent(delivery.topic, payloadOf(delivery));
      if (event) {
        pending.push(event);
        pendingRefs.push(job.ref);
      } else {
        await flush();
        await one(tx, job);
        // After shop/redact the shop is gone: the batch's later deliveries are in its tombstone, and
        // loading the shop again would re-create it.
        if (delivery.topic === "shop/redact") return;
        shop = await loadShop(tx, shopId); // a compliance job may have changed the shop
      }
    }
    await flush();
    await markProcessed(tx, shopId, refs, now);
  };
}

/**
 * Ingests data events, then reads Shopify's marketing consent off the customer records among them; a record held
 * back because it names an erased customer gives no consent either.
 */
async function ingestWithConsent(tx: Tx, shop: ShopContext, events: DataEvent[], now: Date) {
  const result = await ingestBatch(tx, shop, events, now);
  const heldBack = new Set(result.heldBack);
  const customers = events.flatMap((e, i) => (e.kind === "customer" && !heldBack.has(i) ? [e.customer] : []));
  await recordShopifyCustomerConsents(tx, shop, customers, now);
  return result;
}

/** A delivery that named an erased customer keeps its row (a redelivery stays a duplicate) but not its data. */
async function redactPayloads(tx: Tx, shopId: string, refs: string[]) {
  if (refs.length === 0) return;
  await tx.execute(sql`UPDATE webhook_deliveries SET payload = '{"redacted":true}'::jsonb
    WHERE shop_id = ${shopId} AND delivery_id = ANY(${sqlTextArray(refs)})`);
}

async function markProcessed(tx: Tx, shopId: string, refs: string[], now: Date) {
  // Orders change loyalty: a batched write of changed points and tiers to Shopify follows (connected shops).
  await scheduleLoyaltyWrite(tx, shopId, now);
  await tx.execute(sql`UPDATE webhook_deliveries SET status = 'processed', processed_at = ${now}
    WHERE shop_id = ${shopId} AND delivery_id = ANY(${sqlTextArray(refs)})`);
}
