import type { WebhookTopic } from "./webhooks";

/**
 * The shop a webhook is about comes from X-Shopify-Shop-Domain, which the HMAC does not cover; the
 * signed body often names its shop too. A body naming another shop is a genuine delivery replayed
 * against a different shop (one signed shop/redact would otherwise wipe any shop), so it is refused.
 */
export interface ShopNamedByBody {
  domains: string[];
  /** Shopify's numeric shop ID, as a string. */
  shopifyShopId: string | null;
}

const text = (v: unknown): string | null => (typeof v === "string" || typeof v === "number" ? String(v) : null);

export function shopNamedByBody(topic: WebhookTopic, body: unknown): ShopNamedByBody {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const domains = [b.shop_domain, b.myshopify_domain].flatMap((d) => (typeof d === "string" ? [d.toLowerCase()] : []));
  // app/uninstalled's body is the shop itself: its `id` is the shop's ID.
  const shopifyShopId = text(b.shop_id) ?? (topic === "app/uninstalled" ? text(b.id) : null);
  return { domains, shopifyShopId };
}

/**
 * Why the body disagrees with the header, or null when it agrees. `knownShopifyShopId` is the numeric ID
 * this shop's earlier signed bodies named (null before the first one).
 */
export function shopMismatch(headerShop: string, named: ShopNamedByBody, knownShopifyShopId: string | null): string | null {
  const other = named.domains.find((d) => d !== headerShop);
  if (other) return `the body names shop ${other}, but X-Shopify-Shop-Domain is ${headerShop}`;
  if (named.shopifyShopId && knownShopifyShopId && named.shopifyShopId !== knownShopifyShopId) {
    return `the body names shop ID ${named.shopifyShopId}, but ${headerShop} is shop ID ${knownShopifyShopId}`;
  }
  return null;
}

/** What remains of a shop after shop/redact: when, and whether it was installed again since. */
export interface RedactedShop {
  redactedAt: Date;
  reinstalledAt: Date | null;
}

/**
 * Whether a delivery of a redacted shop may be taken. Shopify retries older deliveries for days; taking
 * one would bring the shop's customers back. Until the shop is installed again nothing is taken; after
 * that, only deliveries it never had before the redaction and whose event was triggered after it (when
 * Shopify says when: X-Shopify-Triggered-At).
 */
export function acceptsDeliveryAfterRedact(
  shop: RedactedShop,
  delivery: { deliveredBeforeRedact: boolean; triggeredAt: Date | null },
): boolean {
  if (!shop.reinstalledAt || delivery.deliveredBeforeRedact) return false;
  return !delivery.triggeredAt || delivery.triggeredAt.getTime() > shop.redactedAt.getTime();
}
