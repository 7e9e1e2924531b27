/**
 * Shopify's standard events as the server's pixel batch wants them (shared `pixelEventSchema`): the
 * event id and time, the product viewed or added, and at checkout or sign-in who the buyer is. Kept
 * free of zod (from `shared` only the zod-free `wire/pixel-events`), so the pixel stays a few KB; the
 * server validates every field.
 */
export interface OutgoingEvent {
  id: string;
  name: string;
  at: string;
  productId?: string;
  email?: string;
  phone?: string;
  shopifyCustomerId?: string;
}

/** The parts of a Shopify standard event the pixel reads; everything is optional, as Shopify's data may be partial. */
export interface StandardEvent {
  id?: string;
  name?: string;
  timestamp?: string;
  data?: {
    productVariant?: { product?: { id?: string | null } | null } | null;
    cartLine?: { merchandise?: { product?: { id?: string | null } | null } | null } | null;
    checkout?: {
      email?: string | null;
      phone?: string | null;
      order?: { customer?: { id?: string | null } | null } | null;
    } | null;
  };
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const ID = /^(gid:\/\/shopify\/(Product|Customer)\/)?\d{1,20}$/;
const id = (v: unknown): string | undefined => {
  const t = text(v);
  return t !== undefined && ID.test(t) ? t : undefined;
};

/** One standard event, or null when it lacks an id or time (nothing to deduplicate or place). */
export function toOutgoing(event: StandardEvent): OutgoingEvent | null {
  const eventId = text(event.id);
  const name = text(event.name);
  const at = text(event.timestamp);
  if (!eventId || !name || !at) return null;
  const out: OutgoingEvent = { id: eventId, name, at };
  const product = id(event.data?.productVariant?.product?.id) ?? id(event.data?.cartLine?.merchandise?.product?.id);
  if (product) out.productId = product;
  const checkout = event.data?.checkout;
  if (checkout) {
    const email = text(checkout.email);
    const phone = text(checkout.phone);
    const customer = id(checkout.order?.customer?.id);
    if (email) out.email = email.slice(0, 320);
    if (phone) out.phone = phone.slice(0, 64);
    if (customer) out.shopifyCustomerId = customer;
  }
  return out;
}

/**
 * A signed-in customer (`init.data.customer`): Shopify sends no sign-in event, so the pixel reports one
 * per page load, with an id stable for the page so a resent batch is stored once.
 */
export function customerIdentified(
  customer: { id?: string | null; email?: string | null; phone?: string | null } | null | undefined,
  pageId: string,
  at: string,
): OutgoingEvent | null {
  if (!customer) return null;
  const out: OutgoingEvent = { id: `signin-${pageId}`, name: "customer_identified", at };
  const customerId = id(customer.id);
  const email = text(customer.email);
  const phone = text(customer.phone);
  if (customerId) out.shopifyCustomerId = customerId;
  if (email) out.email = email.slice(0, 320);
  if (phone) out.phone = phone.slice(0, 64);
  return customerId || email || phone ? out : null;
}
