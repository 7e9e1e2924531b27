/**
 * What both seeded shops (the bench's generated shop and the demo shop) are made of: the names people
 * are drawn from, the products they buy, and Shopify's webhook payloads for a customer and an order.
 * Pure data and pure builders; randomness stays with the caller, so a seed still yields the same shop.
 */

/** First names in draw order; the generated shop draws from the first 20 only, so its seeds keep their shop. */
export const FIRST_NAMES = [
  "Sarah",
  "James",
  "Maria",
  "Ahmed",
  "Yuki",
  "Liam",
  "Olivia",
  "Noah",
  "Emma",
  "Lucas",
  "Mia",
  "Ethan",
  "Ava",
  "Mateo",
  "Chloe",
  "Leo",
  "Zoe",
  "Omar",
  "Ines",
  "Ben",
  "Hannah",
  "Ravi",
  "Elena",
  "Tom",
] as const;

/** Last names in draw order; the generated shop draws from the first 16 only. */
export const LAST_NAMES = [
  "Miller",
  "Okafor",
  "Garcia",
  "Chen",
  "Novak",
  "Schmidt",
  "Rossi",
  "Kowalski",
  "Dubois",
  "Silva",
  "Jensen",
  "Tanaka",
  "Murphy",
  "Haddad",
  "Larsen",
  "Costa",
  "Brennan",
  "Ito",
  "Moreau",
  "Patel",
] as const;

/** The shop's catalogue: Shopify product id, title and price in dollars. */
export const PRODUCTS = [
  { id: "9001", title: "Linen Shirt", price: 59 },
  { id: "9002", title: "Chino Trousers", price: 79 },
  { id: "9003", title: "Leather Belt", price: 35 },
  { id: "9004", title: "Wool Socks (3 pack)", price: 18 },
  { id: "9005", title: "Coffee Beans 1kg", price: 24 },
  { id: "9006", title: "Canvas Tote", price: 22 },
  { id: "9007", title: "Rain Jacket", price: 149 },
  { id: "9008", title: "Cotton Tee", price: 25 },
] as const;

/** A customer as Shopify's customers/create webhook names them. */
export interface SeedCustomer {
  id: number;
  email: string;
  phone: string | null;
  firstName: string;
  lastName: string;
}

export function customerPayload(
  c: SeedCustomer & { createdAt: Date; address: { address1: string; zip: string } },
  extra: Record<string, unknown> = {},
) {
  return {
    id: c.id,
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    created_at: c.createdAt.toISOString(),
    updated_at: c.createdAt.toISOString(),
    default_address: { ...c.address, country_code: "US" },
    ...extra,
  };
}

/** An order's line items; `quantity` is asked once a line, in order, so a seeded source stays in step. */
export function orderLineItems(orderId: number, productIds: readonly string[], quantity: () => number) {
  return productIds.map((pid, n) => {
    const p = PRODUCTS.find((x) => x.id === pid)!;
    return {
      id: Number(`${orderId}${n}`),
      product_id: Number(p.id),
      variant_id: Number(p.id) * 10,
      title: p.title,
      quantity: quantity(),
      price: p.price.toFixed(2),
    };
  });
}

export type OrderLineItem = ReturnType<typeof orderLineItems>[number];

/** An orders/create payload in USD; the customer is null for a guest checkout. */
export function orderPayload(o: {
  id: number;
  email: string | null;
  phone: string | null;
  pos: boolean;
  locationId: number | null;
  at: Date;
  customer: SeedCustomer | null;
  lines: OrderLineItem[];
}) {
  const total = o.lines.reduce((s, l) => s + Number(l.price) * l.quantity, 0);
  const c = o.customer;
  return {
    id: o.id,
    email: o.email,
    phone: o.phone,
    total_price: total.toFixed(2),
    currency: "USD",
    source_name: o.pos ? "pos" : "web",
    location_id: o.pos ? o.locationId : null,
    created_at: o.at.toISOString(),
    updated_at: o.at.toISOString(),
    cancelled_at: null as string | null,
    customer: c ? { id: c.id, email: c.email, phone: c.phone, first_name: c.firstName, last_name: c.lastName } : null,
    line_items: o.lines,
  };
}

/** The orders/cancelled payload for an order cancelled an hour after it was placed. */
export function cancelledOrder(order: ReturnType<typeof orderPayload>) {
  const cancelledAt = new Date(new Date(order.created_at).getTime() + 3_600_000).toISOString();
  return { ...order, cancelled_at: cancelledAt, updated_at: cancelledAt };
}
