import { sql, type SQL } from "drizzle-orm";

/** An order as points see it: its total, whether it was cancelled, and how much its refunds gave back. */
export interface OrderStanding {
  /** Minor units of the order's currency, like `refunded`. */
  total: string | number;
  cancelled: boolean;
  refunded: string | number;
}

/**
 * The {@link OrderStanding} columns of the `orders` row aliased `o`, for the statements that settle an
 * order's points (earned points and redeemed points alike), so both read refunds and cancels one way.
 */
export function orderStandingColumns(o: string): SQL {
  const order = sql.identifier(o);
  return sql`${order}.total, ${order}.cancelled_at IS NOT NULL AS cancelled,
    coalesce((SELECT sum(f.amount) FROM refunds f WHERE f.shop_id = ${order}.shop_id
      AND f.order_id = ${order}.order_id), 0)
      AS refunded`;
}
