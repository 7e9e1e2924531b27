import { pointsDueForOrderInMinorUnits, type WebhookOrder } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { sqlTextArray } from "../../db/sql-arrays";
import type { ShopContext } from "../shop/shop";
import { orderStandingColumns, type OrderStanding } from "./order-standing";
import { settleOrderRedemptions } from "./redemption";

/**
 * The points of a batch of orders after their webhooks were stored: what each order earns now (less
 * refunds, nothing once cancelled) and what its redemptions spend or return. Returns the profiles whose
 * points were looked at; the caller recomputes them.
 */
export async function settleOrderPoints(
  q: Queryable,
  shop: ShopContext,
  orders: readonly WebhookOrder[],
  orderIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const earned = await reconcileOrderPoints(q, shop, orderIds, now);
  const redeemed = await settleOrderRedemptions(q, shop.shopId, orders, orderIds, now);
  return [...earned, ...redeemed];
}

/**
 * The ledger is append-only: the points each order should hold now (0 once cancelled, less its refunds)
 * are compared with what the ledger already gave it, and the difference is appended. Returns the
 * profiles of the orders looked at.
 */
export async function reconcileOrderPoints(
  q: Queryable,
  shop: ShopContext,
  orderIds: readonly string[],
  now: Date,
): Promise<string[]> {
  const { shopId, settings } = shop;
  const facts = await queryRows<
    OrderStanding & {
      order_id: string;
      profile_id: string;
      currency: string;
      given: string | number;
      entries: string | number;
      placed_at: Date | string;
    }
  >(
    q,
    sql`SELECT o.order_id, o.profile_id, o.currency, o.placed_at, ${orderStandingColumns("o")},
               coalesce((SELECT sum(points) FROM loyalty_ledger l WHERE l.shop_id = o.shop_id
                 AND l.order_id = o.order_id), 0) AS given,
               (SELECT count(*) FROM loyalty_ledger l WHERE l.shop_id = o.shop_id
                 AND l.order_id = o.order_id) AS entries
        FROM orders o WHERE o.shop_id = ${shopId} AND o.order_id = ANY(${sqlTextArray(orderIds)})
          AND o.profile_id IS NOT NULL`,
  );
  const entries = facts.flatMap((f) => {
    const due = pointsDueForOrderInMinorUnits(
      { totalMinor: Number(f.total), refundedMinor: Number(f.refunded), cancelled: f.cancelled, currency: f.currency },
      settings.currency,
      settings.loyalty.pointsPerUnit,
    );
    const delta = due - Number(f.given);
    if (delta === 0) return [];
    const n = Number(f.entries);
    return [
      {
        entry_key: `order:${f.order_id}:${n}`,
        profile_id: f.profile_id,
        kind: delta > 0 ? "earn" : "clawback",
        points: delta,
        order_id: f.order_id,
        reason: delta > 0 ? "order" : f.cancelled ? "order cancelled" : "refund",
        at: n === 0 ? new Date(f.placed_at) : now,
      },
    ];
  });
  if (entries.length > 0) {
    await q.execute(sql`INSERT INTO loyalty_ledger (shop_id, entry_key, profile_id, kind, points, order_id, reason, at)
      SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) AS x(
        entry_key text, profile_id text, kind text, points bigint, order_id text, reason text, at timestamptz)`);
  }
  return facts.map((f) => f.profile_id);
}
