import {
  storableJsonDocument,
  webhookCustomerRedactSchema,
  webhookCustomerSchema,
  webhookOrderSchema,
  webhookRefundSchema,
  webhookShopRedactSchema,
  webhookTopicSchema,
  type WebhookTopic,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { z } from "zod";
import { isValidWebhookHmac } from "../auth/webhook-hmac";
import { preparedRows } from "../db/prepared";
import { HttpError, parseOr400 } from "../http/errors";
import type { AppEnv } from "../http/context";

const payloadSchemas: Record<WebhookTopic, z.ZodType> = {
  "customers/create": webhookCustomerSchema,
  "customers/update": webhookCustomerSchema,
  "orders/create": webhookOrderSchema,
  "orders/updated": webhookOrderSchema,
  "orders/cancelled": webhookOrderSchema,
  "refunds/create": webhookRefundSchema,
  "app/uninstalled": webhookShopRedactSchema.partial(),
  "customers/redact": webhookCustomerRedactSchema,
  "customers/data_request": webhookCustomerRedactSchema,
  "shop/redact": webhookShopRedactSchema,
};

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * `POST /webhooks/shopify`: verify the HMAC of the raw body before anything else, validate, then store
 * the delivery and its job in one statement and answer. Processing happens on the job queue.
 */
export const webhookRoutes = new Hono<AppEnv>().post("/shopify", async (c) => {
  const { db, config, queue, clock } = c.var.deps;
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (!isValidWebhookHmac(raw, c.req.header("x-shopify-hmac-sha256"), config.apiSecret)) {
    throw new HttpError(401, "bad_hmac", "webhook signature (X-Shopify-Hmac-Sha256) is missing or does not match the app secret");
  }
  const topic = parseOr400(webhookTopicSchema, c.req.header("x-shopify-topic"), "X-Shopify-Topic");
  const shopId = c.req.header("x-shopify-shop-domain") ?? "";
  if (!SHOP_DOMAIN.test(shopId)) throw new HttpError(400, "bad_shop", "X-Shopify-Shop-Domain must be a {shop}.myshopify.com domain");
  const deliveryId = c.req.header("x-shopify-event-id") || c.req.header("x-shopify-webhook-id");
  if (!deliveryId || deliveryId.length > 200) throw new HttpError(400, "missing_id", "X-Shopify-Event-Id or X-Shopify-Webhook-Id is required");
  const text = new TextDecoder().decode(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "webhook body is not valid JSON");
  }
  // A \u0000 in a note is Shopify's to send and ours to drop: refusing it would lose the whole order.
  const stored = storableJsonDocument(text, parsed);
  parseOr400(payloadSchemas[topic], stored.value, `${topic} payload`);
  // The body is stored as Shopify sent it, less any NUL (PostgreSQL reads the same JSON into jsonb); a fixed-text,
  // prepared statement, so each connection plans it once.
  const inserted = await preparedRows<{ id: string }>(
    db,
    sql`WITH s AS (INSERT INTO shops (shop_id) VALUES (${shopId}) ON CONFLICT (shop_id) DO NOTHING),
         d AS (INSERT INTO webhook_deliveries (shop_id, delivery_id, topic, webhook_id, payload)
               VALUES (${shopId}, ${deliveryId}, ${topic}, ${c.req.header("x-shopify-webhook-id") ?? null}, ${stored.text}::jsonb)
               ON CONFLICT (shop_id, delivery_id) DO NOTHING RETURNING delivery_id)
        INSERT INTO jobs (shop_id, id, kind, ref, run_at) SELECT ${shopId}, ${crypto.randomUUID()}, 'webhook', delivery_id, ${clock()} FROM d
        ON CONFLICT (shop_id, kind, ref) DO NOTHING RETURNING id`,
  );
  if (inserted.length > 0) queue.kick();
  return c.json({ ok: true, duplicate: inserted.length === 0 });
});
