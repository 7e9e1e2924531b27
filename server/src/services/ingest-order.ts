import { normalizeIdentifiers, pointsDueForOrder, type WebhookOrder, type WebhookRefund, refundAmount } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { recomputeProfile } from "./recompute-profile";
import { resolveEventIdentity } from "./resolve-identity";
import type { ShopContext } from "./shop";

/**
 * orders/create, orders/updated and orders/cancelled: keep the newest copy of the order (by Shopify's
 * updated_at), resolve its customer, reconcile loyalty points and recompute the profile.
 */
export async function ingestOrder(q: Queryable, shop: ShopContext, order: WebhookOrder, now: Date): Promise<void> {
  const { shopId, settings } = shop;
  const customer = order.customer;
  const identifiers = normalizeIdentifiers(
    { shopifyCustomerId: customer?.id ?? null, email: order.email ?? customer?.email ?? null, phone: order.phone ?? customer?.phone ?? null },
    { defaultCountry: settings.defaultCountry, junk: settings.junkIdentifiers },
  );

  const written = await queryRows<{ order_id: string }>(
    q,
    sql`INSERT INTO orders (shop_id, order_id, shopify_customer_id, email, phone, total, currency, source_name, location_id,
                            placed_at, cancelled_at, shopify_updated_at)
        VALUES (${shopId}, ${order.id}, ${customer?.id ?? null}, ${order.email}, ${order.phone}, ${order.total_price}, ${order.currency},
                ${order.source_name}, ${order.location_id}, ${order.created_at}, ${order.cancelled_at}, ${order.updated_at})
        ON CONFLICT (shop_id, order_id) DO UPDATE SET
          shopify_customer_id = excluded.shopify_customer_id, email = excluded.email, phone = excluded.phone,
          total = excluded.total, currency = excluded.currency, source_name = excluded.source_name,
          location_id = excluded.location_id, placed_at = excluded.placed_at,
          cancelled_at = coalesce(excluded.cancelled_at, orders.cancelled_at),
          shopify_updated_at = excluded.shopify_updated_at
        WHERE orders.shopify_updated_at <= excluded.shopify_updated_at
        RETURNING order_id`,
  );
  if (written.length > 0) {
    await q.execute(sql`DELETE FROM order_lines WHERE shop_id = ${shopId} AND order_id = ${order.id}`);
    if (order.line_items.length > 0) {
      await q.execute(sql`INSERT INTO order_lines (shop_id, order_id, line_id, product_id, variant_id, title, quantity, price) VALUES ${sql.join(
        order.line_items.map((l) => sql`(${shopId}, ${order.id}, ${l.id}, ${l.product_id}, ${l.variant_id}, ${l.title}, ${l.quantity}, ${l.price})`),
        sql`, `,
      )} ON CONFLICT DO NOTHING`);
    }
  }

  const resolution = await resolveEventIdentity(
    q,
    shop,
    {
      id: `order:${order.id}`,
      source: "order",
      identifiers,
      at: order.created_at,
      names: { firstName: customer?.first_name ?? null, lastName: customer?.last_name ?? null },
    },
    now,
  );
  const [current] = await queryRows<{ profile_id: string | null }>(
    q,
    sql`SELECT profile_id FROM orders WHERE shop_id = ${shopId} AND order_id = ${order.id}`,
  );
  const profileId = resolution?.profileId ?? current?.profile_id ?? null;
  if (!profileId) return;
  if (current?.profile_id !== profileId) {
    await q.execute(sql`UPDATE orders SET profile_id = ${profileId} WHERE shop_id = ${shopId} AND order_id = ${order.id}`);
  }
  await reconcileOrderPoints(q, shop, order.id, now);
  if (current?.profile_id && current.profile_id !== profileId) await recomputeProfile(q, shopId, current.profile_id, settings, now);
  await recomputeProfile(q, shopId, profileId, settings, now);
}

/** refunds/create: stored even before its order arrives, so late orders still net out correctly. */
export async function ingestRefund(q: Queryable, shop: ShopContext, refund: WebhookRefund, now: Date): Promise<void> {
  const { shopId } = shop;
  await q.execute(sql`INSERT INTO refunds (shop_id, refund_id, order_id, amount, created_at)
    VALUES (${shopId}, ${refund.id}, ${refund.order_id}, ${refundAmount(refund)}, ${refund.created_at})
    ON CONFLICT (shop_id, refund_id) DO NOTHING`);
  const [order] = await queryRows<{ profile_id: string | null }>(
    q,
    sql`SELECT profile_id FROM orders WHERE shop_id = ${shopId} AND order_id = ${refund.order_id}`,
  );
  if (!order?.profile_id) return;
  await reconcileOrderPoints(q, shop, refund.order_id, now);
  await recomputeProfile(q, shopId, order.profile_id, shop.settings, now);
}

/**
 * The ledger is append-only: the points an order should hold now (0 once cancelled, less its refunds)
 * are compared with what the ledger already gave it, and the difference is appended.
 */
async function reconcileOrderPoints(q: Queryable, shop: ShopContext, orderId: string, now: Date): Promise<void> {
  const { shopId, settings } = shop;
  const [row] = await queryRows<{ profile_id: string; total: string | number; cancelled: boolean; refunded: string | number; given: string | number; entries: string | number; placed_at: Date | string }>(
    q,
    sql`SELECT o.profile_id, o.total, o.cancelled_at IS NOT NULL AS cancelled, o.placed_at,
               coalesce((SELECT sum(amount) FROM refunds r WHERE r.shop_id = o.shop_id AND r.order_id = o.order_id), 0) AS refunded,
               coalesce((SELECT sum(points) FROM loyalty_ledger l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id), 0) AS given,
               (SELECT count(*) FROM loyalty_ledger l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id) AS entries
        FROM orders o WHERE o.shop_id = ${shopId} AND o.order_id = ${orderId}`,
  );
  if (!row?.profile_id) return;
  const due = pointsDueForOrder({ total: Number(row.total), refunded: Number(row.refunded), cancelled: row.cancelled }, settings.loyalty.pointsPerUnit);
  const delta = due - Number(row.given);
  if (delta === 0) return;
  const n = Number(row.entries);
  await q.execute(sql`INSERT INTO loyalty_ledger (shop_id, entry_key, profile_id, kind, points, order_id, reason, at)
    VALUES (${shopId}, ${`order:${orderId}:${n}`}, ${row.profile_id}, ${delta > 0 ? "earn" : "clawback"}, ${delta}, ${orderId},
            ${delta > 0 ? "order" : row.cancelled ? "order cancelled" : "refund"}, ${n === 0 ? new Date(row.placed_at) : now})`);
}
