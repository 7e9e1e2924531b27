import {
  normalizeIdentifiers,
  refundMinorUnits,
  webhookCustomerSchema,
  webhookOrderSchema,
  webhookRefundSchema,
  type WebhookCustomer,
  type WebhookOrder,
  type WebhookRefund,
  type WebhookTopic,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { countHeldBack, registerErasure, screenArrivals, type Arrival } from "../gdpr/erasure-register";
import { scanArrivals } from "../identity/match";
import { recomputeProfiles } from "../profile/recompute-profile";
import { settleOrderPoints } from "../loyalty/order-points";
import type { IdentityEvent } from "../identity/resolve-identity";
import {
  customerDetails,
  resolveIdentitiesInBatch,
  type BatchedIdentityEvent,
} from "../identity/resolve-identity-batch";
import type { ShopContext } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";

/** A data webhook (customers, orders, refunds), parsed. */
export type DataEvent =
  | { kind: "customer"; customer: WebhookCustomer }
  | { kind: "order"; order: WebhookOrder }
  | { kind: "refund"; refund: WebhookRefund };

/** Parses a data topic's payload (throws the zod error on a bad one); null for topics that are not data. */
export function parseDataEvent(topic: WebhookTopic, payload: unknown): DataEvent | null {
  switch (topic) {
    case "customers/create":
    case "customers/update":
      return { kind: "customer", customer: webhookCustomerSchema.parse(payload) };
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
      return { kind: "order", order: webhookOrderSchema.parse(payload) };
    case "refunds/create":
      return { kind: "refund", refund: webhookRefundSchema.parse(payload) };
    default:
      return null;
  }
}

/**
 * Ingests data events in arrival order with the same outcome as one at a time, but set-based: identity
 * is decided in memory in arrival order (each decision depends on the ones before), then orders, lines,
 * refunds and loyalty are written with one statement each and every touched profile is recomputed once.
 * The caller holds the shop lock (`loadShop(..., { lock: true })`). Returns the positions of the events
 * that named an erased customer and were stored anonymised or dropped (their payloads are redacted).
 */
export async function ingestBatch(
  q: Queryable,
  shop: ShopContext,
  given: readonly DataEvent[],
  now: Date,
): Promise<{ heldBack: number[] }> {
  const { shopId } = shop;
  const { events, heldBack } = await holdBackErased(q, shop, given, now);
  const orders = events.flatMap((e) => (e.kind === "order" ? [e.order] : []));
  const refunds = events.flatMap((e) => (e.kind === "refund" ? [e.refund] : []));

  const stored = await storedOrders(q, shopId, orders);
  const { orderProfile, customerProfiles, survivorOf } = await resolveInOrder(q, shop, events, now);
  const final = (id: string) => {
    let at = id;
    for (let hops = 0; survivorOf.has(at) && hops < 1000; hops++) at = survivorOf.get(at)!;
    return at;
  };

  const touched = new Set([...orderProfile.values(), ...customerProfiles].map(final));
  await writeOrders(q, shopId, orders, stored);
  const previousOwners = await assignOrders(
    q,
    shopId,
    new Map([...orderProfile].map(([orderId, p]) => [orderId, final(p)])),
  );
  for (const p of previousOwners) touched.add(final(p));
  await writeRefunds(q, shop, refunds);

  const orderIds = [...new Set([...orders.map((o) => o.id), ...refunds.map((r) => r.order_id)])];
  for (const p of await settleOrderPoints(q, shop, orders, orderIds, now)) touched.add(p);
  await recomputeProfiles(q, shopId, [...touched], shop.settings, now);
  // Duplicates of the customers whose records just arrived, proposed in the same transaction.
  await scanArrivals(q, shopId, [...new Set(customerProfiles.map(final))], now);
  return { heldBack };
}

/**
 * Erased means erased (shared erasureVerdict): an order made before the erase of anyone it names is
 * stored without its contact details and linked to no one new, and its ID joins the register so its
 * later updates stay anonymous; such a customer record is dropped. Each one is counted for the merchant.
 */
async function holdBackErased(q: Queryable, shop: ShopContext, events: readonly DataEvent[], now: Date) {
  const arrivals = events.map((e): Arrival => {
    if (e.kind === "order") {
      const names = [...orderIdentity(e.order, shop).identifiers, { kind: "order" as const, value: e.order.id }];
      return { interaction: "order", madeAt: e.order.created_at, names };
    }
    if (e.kind === "refund") return { interaction: "order", madeAt: now, names: [] }; // names no one
    const { at, identifiers } = customerIdentity(e.customer, shop, now);
    return { interaction: "customer", madeAt: at, names: identifiers };
  });
  const verdicts = await screenArrivals(q, shop.shopId, arrivals);
  const heldBack = verdicts.flatMap((v, i) => (v.keep ? [] : [i]));
  if (heldBack.length === 0) return { events, heldBack };
  const kept = events.flatMap((e, i): DataEvent[] => {
    if (verdicts[i]!.keep) return [e];
    if (e.kind !== "order") return [];
    return [{ kind: "order", order: { ...e.order, email: null, phone: null, customer: null } }];
  });
  const orderIds = heldBack
    .flatMap((i) => events[i]!)
    .flatMap((e) => (e.kind === "order" ? [{ kind: "order" as const, value: e.order.id }] : []));
  await registerErasure(q, shop.shopId, orderIds, now);
  await countHeldBack(q, shop.shopId, "webhook", heldBack.length, now);
  return { events: kept, heldBack };
}

const orderIdentity = (order: WebhookOrder, shop: ShopContext): IdentityEvent => {
  const customer = order.customer;
  return {
    id: `order:${order.id}`,
    source: "order",
    identifiers: normalizeIdentifiers(
      {
        shopifyCustomerId: customer?.id ?? null,
        email: order.email ?? customer?.email ?? null,
        phone: order.phone ?? customer?.phone ?? null,
      },
      { defaultCountry: shop.settings.defaultCountry, junk: shop.settings.junkIdentifiers },
    ),
    at: order.created_at,
    names: { firstName: customer?.first_name ?? null, lastName: customer?.last_name ?? null },
  };
};

/** Shopify's own customer record is the authority for the names and address it carries. */
const customerIdentity = (customer: WebhookCustomer, shop: ShopContext, now: Date): BatchedIdentityEvent => {
  const at = customer.updated_at ?? customer.created_at ?? now;
  return {
    authoritative: customerDetails(customer),
    id: `customer:${customer.id}:${at.toISOString()}`,
    source: "customer",
    identifiers: normalizeIdentifiers(
      { shopifyCustomerId: customer.id, email: customer.email, phone: customer.phone },
      { defaultCountry: shop.settings.defaultCountry, junk: shop.settings.junkIdentifiers },
    ),
    at,
  };
};

/**
 * Resolves the orders' and customer records' identities in arrival order (set-based, see
 * resolveIdentitiesInBatch). Returns the profile each order's latest event resolved to, the profiles
 * customer records landed on, and which profiles were merged into which.
 */
async function resolveInOrder(q: Queryable, shop: ShopContext, events: readonly DataEvent[], now: Date) {
  const identityEvents: { event: BatchedIdentityEvent; orderId: string | null }[] = events.flatMap(
    (e): { event: BatchedIdentityEvent; orderId: string | null }[] => {
      if (e.kind === "order") return [{ event: orderIdentity(e.order, shop), orderId: e.order.id }];
      if (e.kind === "customer") return [{ event: customerIdentity(e.customer, shop, now), orderId: null }];
      return [];
    },
  );
  const { profileOf, survivorOf } = await resolveIdentitiesInBatch(
    q,
    shop,
    identityEvents.map((x) => x.event),
    now,
  );
  const orderProfile = new Map<string, string>();
  const customerProfiles: string[] = [];
  identityEvents.forEach(({ orderId }, i) => {
    const profileId = profileOf[i];
    if (!profileId) return;
    if (orderId) orderProfile.set(orderId, profileId);
    else customerProfiles.push(profileId);
  });
  return { orderProfile, customerProfiles, survivorOf };
}

interface StoredOrder {
  order_id: string;
  shopify_updated_at: Date | string;
  cancelled_at: Date | string | null;
}

async function storedOrders(
  q: Queryable,
  shopId: string,
  orders: readonly WebhookOrder[],
): Promise<Map<string, StoredOrder>> {
  if (orders.length === 0) return new Map();
  const rows = await queryRows<StoredOrder>(
    q,
    sql`SELECT order_id, shopify_updated_at, cancelled_at FROM orders
        WHERE shop_id = ${shopId} AND order_id = ANY(${sqlTextArray([...new Set(orders.map((o) => o.id))])})`,
  );
  return new Map(rows.map((r) => [r.order_id, r]));
}

/**
 * Keeps the newest copy of each order (by Shopify's updated_at; a cancellation, once seen, stays),
 * folding the batch's copies in arrival order exactly as one-at-a-time writes would.
 */
async function writeOrders(
  q: Queryable,
  shopId: string,
  orders: readonly WebhookOrder[],
  stored: Map<string, StoredOrder>,
) {
  const latest = new Map<string, { order: WebhookOrder; cancelledAt: Date | null }>();
  for (const order of orders) {
    const prior = latest.get(order.id);
    const before = stored.get(order.id);
    const newestAt = prior ? prior.order.updated_at : before ? new Date(before.shopify_updated_at) : null;
    if (newestAt && newestAt > order.updated_at) continue;
    const priorCancelled = prior ? prior.cancelledAt : before?.cancelled_at ? new Date(before.cancelled_at) : null;
    latest.set(order.id, { order, cancelledAt: order.cancelled_at ?? priorCancelled });
  }
  if (latest.size === 0) return;
  const rows = [...latest.values()].map(({ order: o, cancelledAt }) => ({
    order_id: o.id,
    shopify_customer_id: o.customer?.id ?? null,
    email: o.email,
    phone: o.phone,
    total: o.total.minor,
    currency: o.total.currency,
    presentment_total: o.presentment?.minor ?? null,
    presentment_currency: o.presentment?.currency ?? null,
    source_name: o.source_name,
    location_id: o.location_id,
    placed_at: o.created_at,
    cancelled_at: cancelledAt,
    shopify_updated_at: o.updated_at,
  }));
  await q.execute(sql`INSERT INTO orders (shop_id, order_id, shopify_customer_id, email, phone, total, currency,
                                          presentment_total, presentment_currency, source_name, location_id,
                                          placed_at, cancelled_at, shopify_updated_at)
    SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
      order_id text, shopify_customer_id text, email text, phone text, total bigint, currency text,
      presentment_total bigint, presentment_currency text, source_name text,
      location_id text, placed_at timestamptz, cancelled_at timestamptz, shopify_updated_at timestamptz)
    ON CONFLICT (shop_id, order_id) DO UPDATE SET
      shopify_customer_id = excluded.shopify_customer_id, email = excluded.email, phone = excluded.phone,
      total = excluded.total, currency = excluded.currency, presentment_total = excluded.presentment_total,
      presentment_currency = excluded.presentment_currency, source_name = excluded.source_name,
      location_id = excluded.location_id, placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at,
      shopify_updated_at = excluded.shopify_updated_at`);
  const written = [...latest.keys()];
  const lines = [...latest.values()].flatMap(({ order }) =>
    order.line_items.map((l, i) => ({
      order_id: order.id,
      line_id: l.id,
      product_id: l.product_id,
      variant_id: l.variant_id,
      title: l.title,
      quantity: l.quantity,
      price: order.line_prices[i] ?? 0,
    })),
  );
  await q.execute(sql`DELETE FROM order_lines WHERE shop_id = ${shopId} AND order_id = ANY(${sqlTextArray(written)})`);
  if (lines.length === 0) return;
  await q.execute(sql`INSERT INTO order_lines (shop_id, order_id, line_id, product_id, variant_id, title, quantity,
    price)
    SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) AS x(
      order_id text, line_id text, product_id text, variant_id text, title text, quantity integer, price bigint)
    ON CONFLICT DO NOTHING`);
}

/** Points each order at the profile its latest event resolved to; returns the profiles orders moved away from. */
async function assignOrders(q: Queryable, shopId: string, resolved: Map<string, string>): Promise<string[]> {
  const assignments = [...resolved].map(([order_id, profile_id]) => ({ order_id, profile_id }));
  if (assignments.length === 0) return [];
  // The self-join reads each order as it was before this UPDATE, so RETURNING can name its previous profile.
  const moved = await queryRows<{ previous: string | null }>(
    q,
    sql`UPDATE orders o SET profile_id = x.profile_id
        FROM jsonb_to_recordset(${JSON.stringify(assignments)}::jsonb) AS x(order_id text, profile_id text)
        JOIN orders before ON before.shop_id = ${shopId} AND before.order_id = x.order_id
        WHERE o.shop_id = ${shopId} AND o.order_id = x.order_id AND o.profile_id IS DISTINCT FROM x.profile_id
        RETURNING before.profile_id AS previous`,
  );
  return moved.flatMap((m) => (m.previous ? [m.previous] : []));
}

/** refunds/create: stored even before its order arrives, so late orders still net out correctly. */
async function writeRefunds(q: Queryable, shop: ShopContext, refunds: readonly WebhookRefund[]) {
  if (refunds.length === 0) return;
  const { shopId, settings } = shop;
  const rows = refunds.map((r) => ({
    refund_id: r.id,
    order_id: r.order_id,
    amount: refundMinorUnits(r, settings.currency),
    created_at: r.created_at,
  }));
  await q.execute(sql`INSERT INTO refunds (shop_id, refund_id, order_id, amount, created_at)
    SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(refund_id text, order_id text, amount bigint, created_at timestamptz)
    ON CONFLICT (shop_id, refund_id) DO NOTHING`);
}
