/**
 * The web pixel's side of `POST /pixel/events`, kept free of zod (and of any import) so the pixel can
 * bundle it and stay a few KB; `signals.ts` builds the server's schemas from the same lists.
 */

/** Shopify's standard storefront events the pixel subscribes to. */
export const STANDARD_PIXEL_EVENTS = [
  "page_viewed",
  "product_viewed",
  "collection_viewed",
  "search_submitted",
  "product_added_to_cart",
  "cart_viewed",
  "checkout_started",
  "checkout_contact_info_submitted",
  "checkout_completed",
] as const;

/**
 * The storefront events the web pixel forwards: Shopify's standard events, plus `customer_identified`
 * for a signed-in customer the pixel reads from `init.data.customer` (Shopify has no sign-in event).
 */
export const PIXEL_EVENT_NAMES = [...STANDARD_PIXEL_EVENTS, "customer_identified"] as const;
export type PixelEventName = (typeof PIXEL_EVENT_NAMES)[number];

/** A pixel batch holds at most this many events: the pixel flushes at this size, the server refuses more. */
export const PIXEL_BATCH_MAX = 20;
