import {
  shopNamedByBody,
  storableJsonDocument,
  webhookCustomerRedactSchema,
  webhookCustomerSchema,
  webhookCustomerMergeSchema,
  webhookDeletedSchema,
  webhookEmailConsentSchema,
  webhookSmsConsentSchema,
  webhookOrderSchema,
  webhookRefundSchema,
  webhookShopRedactSchema,
  webhookTopicSchema,
  readWebhookJson,
  WEBHOOK_API_VERSION,
  type WebhookTopic,
} from "@c360/shared";
import { Hono } from "hono";
import type { z } from "zod";
import { isValidWebhookHmac } from "../auth/webhook-hmac";
import { HttpError, parseOr400 } from "../http/errors";
import type { AppEnv } from "../http/context";
import { webhookIntakeFor } from "../services/ingest";

const payloadSchemas: Record<WebhookTopic, z.ZodType> = {
  "customers/create": webhookCustomerSchema,
  "customers/update": webhookCustomerSchema,
  "orders/create": webhookOrderSchema,
  "orders/updated": webhookOrderSchema,
  "orders/cancelled": webhookOrderSchema,
  "refunds/create": webhookRefundSchema,
  "app/uninstalled": webhookShopRedactSchema.partial(),
  "customers/delete": webhookDeletedSchema,
  "customers/merge": webhookCustomerMergeSchema,
  "orders/delete": webhookDeletedSchema,
  "customers_email_marketing_consent/update": webhookEmailConsentSchema,
  "customers_marketing_consent/update": webhookSmsConsentSchema,
  "customers/redact": webhookCustomerRedactSchema,
  "customers/data_request": webhookCustomerRedactSchema,
  "shop/redact": webhookShopRedactSchema,
};

/** The stored delivery's key: Shopify's event id within its topic (the shop is the other half of the key). */
export const webhookDeliveryKey = (topic: WebhookTopic, eventId: string) => `${topic}:${eventId}`;

const triggeredAt = (header: string | undefined): Date | null => {
  const at = header ? new Date(header) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
};

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * `POST /webhooks/shopify`: verify the HMAC of the raw body before anything else, validate, then store
 * the delivery and its job (with the deliveries arriving alongside, in one statement) and answer once
 * that committed. Processing happens on the job queue.
 */
export const webhookRoutes = new Hono<AppEnv>().post("/shopify", async (c) => {
  // c.get, not c.var: c.var copies every variable into a new object on each access.
  const deps = c.get("deps");
  const { config, log } = deps;
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (!isValidWebhookHmac(raw, c.req.header("x-shopify-hmac-sha256"), config.apiSecret)) {
    throw new HttpError(
      401,
      "bad_hmac",
      "webhook signature (X-Shopify-Hmac-Sha256) is missing or does not match the app secret",
    );
  }
  const topic = parseOr400(webhookTopicSchema, c.req.header("x-shopify-topic"), "X-Shopify-Topic");
  const shopId = c.req.header("x-shopify-shop-domain") ?? "";
  if (!SHOP_DOMAIN.test(shopId))
    throw new HttpError(400, "bad_shop", "X-Shopify-Shop-Domain must be a {shop}.myshopify.com domain");
  const eventId = c.req.header("x-shopify-event-id") || c.req.header("x-shopify-webhook-id");
  if (!eventId || eventId.length > 200)
    throw new HttpError(400, "missing_id", "X-Shopify-Event-Id or X-Shopify-Webhook-Id is required");
  // One Shopify event fans out to several topics under the same event id: a delivery is its topic's copy.
  const deliveryId = webhookDeliveryKey(topic, eventId);
  // Shopify sends the payload in the version it was asked for; another version means the subscription
  // and our schemas drifted apart (fields renamed or gone), which no single delivery would show.
  const apiVersion = c.req.header("x-shopify-api-version") ?? null;
  if (apiVersion !== WEBHOOK_API_VERSION) {
    const msg = "webhook API version differs from the subscribed one";
    log({ level: "warn", msg, shopId, topic, apiVersion, subscribed: WEBHOOK_API_VERSION });
  }
  // Read once, bounded: big IDs become strings (never rounded) and deep nesting is refused before
  // JSON.parse or PostgreSQL's jsonb reader sees it. The rewritten text is what is stored.
  const read = readWebhookJson(new TextDecoder().decode(raw));
  if (!read.ok) throw new HttpError(400, read.error, read.message);
  // A \u0000 in a note is Shopify's to send and ours to drop: refusing it would lose the whole order.
  const { value: body, text } = storableJsonDocument(read.text, read.value);
  parseOr400(payloadSchemas[topic], body, `${topic} payload`);
  // The header is not signed; a signed body naming another shop is a replay aimed at this one. The shop
  // is checked and the delivery stored together with the others arriving now (one flush, see WebhookIntake).
  const outcome = await webhookIntakeFor(deps).accept({
    shopId,
    deliveryId,
    eventId,
    topic,
    webhookId: c.req.header("x-shopify-webhook-id") ?? null,
    payloadText: text,
    named: shopNamedByBody(topic, body),
    triggeredAt: triggeredAt(c.req.header("x-shopify-triggered-at")),
  });
  if (outcome.kind === "refused") throw new HttpError(400, "shop_mismatch", outcome.reason);
  if (outcome.kind === "ignored") return c.json({ ok: true, duplicate: outcome.duplicate, ignored: "shop_redacted" });
  return c.json({ ok: true, duplicate: outcome.kind === "duplicate" });
});
