/**
 * Points redeemed at the register (shared loyalty/redemption.ts has the rules and the ledger's meaning).
 * Every function runs in the caller's transaction with the shop row locked (`loadShop(..., { lock: true })`),
 * so two carts redeeming the same points are serialised and the second sees the first's hold.
 */
import {
  decimalToMinor,
  minorToDecimal,
  normalizeShopifyCustomerId,
  pointsReturnedForOrder,
  quoteRedemption,
  redemptionTransition,
  REDEMPTION_CART_PROPERTY,
  type LedgerStep,
  type Redemption,
  type RedemptionEvent,
  type RedemptionHold,
  type RedemptionState,
  type RedemptionView,
  type WebhookOrder,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { HttpError, notFound } from "../../http/errors";
import { profileIdByIdentifier } from "../profile/profile-view";
import { recomputeProfiles } from "../profile/recompute-profile";
import type { ShopContext } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";
import { orderStandingColumns, type OrderStanding } from "./order-standing";

interface RedemptionRow {
  id: string;
  profile_id: string;
  requested_points: number | string;
  points: number | string;
  amount_minor: number | string;
  currency: string;
  state: RedemptionState;
  order_id: string | null;
  returned_points: number | string;
}

const asRedemption = (row: RedemptionRow): Redemption => ({
  state: row.state,
  points: Number(row.points),
  orderId: row.order_id,
  returnedPoints: Number(row.returned_points),
});

async function findRedemption(q: Queryable, shopId: string, id: string): Promise<RedemptionRow | null> {
  const [row] = await queryRows<RedemptionRow>(
    q,
    sql`SELECT * FROM redemptions WHERE shop_id = ${shopId} AND id = ${id} FOR UPDATE`,
  );
  return row ?? null;
}

/** What the customer can redeem now: the ledger's sum, where open holds are already taken out. */
async function availablePoints(q: Queryable, shopId: string, profileId: string): Promise<number> {
  const [row] = await queryRows<{ points: string | number | null }>(
    q,
    sql`SELECT coalesce(sum(points), 0) AS points FROM loyalty_ledger
        WHERE shop_id = ${shopId} AND profile_id = ${profileId}`,
  );
  return Number(row?.points ?? 0);
}

async function viewOf(q: Queryable, shopId: string, row: RedemptionRow): Promise<RedemptionView> {
  const points = Number(row.points);
  return {
    redemptionId: row.id,
    state: row.state,
    points,
    returnedPoints: Number(row.returned_points),
    orderId: row.order_id,
    discount: {
      type: "FixedAmount",
      title: `${points} loyalty ${points === 1 ? "point" : "points"}`,
      amount: minorToDecimal(Number(row.amount_minor), row.currency),
      currency: row.currency,
    },
    cartProperty: { key: REDEMPTION_CART_PROPERTY, value: row.id },
    availablePoints: await availablePoints(q, shopId, row.profile_id),
  };
}

const STEP_REASON: Record<LedgerStep["kind"], (row: RedemptionRow) => string> = {
  redeem_hold: (r) => `held for a ${minorToDecimal(Number(r.amount_minor), r.currency)} ${r.currency} cart discount`,
  redeem_release: () => "released: the discount left the cart",
  redeem_spend: (r) => `spent on order ${r.order_id}`,
  redeem_return: (r) => `order ${r.order_id} refunded`,
};

/**
 * Applies one event to a redemption: the new state and, when something changed, its ledger entry keyed
 * by the redemption and step, so a repeated call can never write it twice. Returns the row as it is now.
 */
async function apply(
  q: Queryable,
  shopId: string,
  row: RedemptionRow,
  event: RedemptionEvent,
  now: Date,
  staffId: string | null,
) {
  const t = redemptionTransition(asRedemption(row), event);
  if (!t.ok) return { refused: t, row };
  if (!t.changed) return { refused: null, row, changed: false };
  const next: RedemptionRow = {
    ...row,
    state: t.redemption.state,
    order_id: t.redemption.orderId,
    returned_points: t.redemption.returnedPoints,
  };
  await q.execute(sql`UPDATE redemptions SET state = ${next.state}, order_id = ${next.order_id},
      returned_points = ${t.redemption.returnedPoints}, updated_at = ${now}
    WHERE shop_id = ${shopId} AND id = ${row.id}`);
  // A return is keyed by the running total it brings the redemption to, which only grows.
  const step = t.step.kind.replace("redeem_", "");
  const key = `redemption:${row.id}:${step}${t.step.kind === "redeem_return" ? `:${t.redemption.returnedPoints}` : ""}`;
  await writeLedger(q, shopId, next, key, t.step, now, staffId);
  return { refused: null, row: next, changed: true };
}

async function writeLedger(
  q: Queryable,
  shopId: string,
  row: RedemptionRow,
  key: string,
  step: LedgerStep,
  now: Date,
  staffId: string | null,
) {
  // order_id stays empty: the order's own points are reconciled from the entries that name it.
  await q.execute(sql`INSERT INTO loyalty_ledger (shop_id, entry_key, profile_id, kind, points, reason, staff_id, at)
    VALUES (${shopId}, ${key}, ${row.profile_id}, ${step.kind}, ${step.points}, ${STEP_REASON[step.kind](row)},
            ${staffId}, ${now})
    ON CONFLICT (shop_id, entry_key) DO NOTHING`);
}

/**
 * Holds points for a cart discount. The same redemption id again answers what it already did (whatever
 * became of it since); the same id for another customer or amount is refused as a client mistake.
 */
export async function holdRedemption(
  q: Queryable,
  shop: ShopContext,
  hold: RedemptionHold,
  now: Date,
  staffId: string | null,
) {
  const { shopId, settings } = shop;
  const customerId = normalizeShopifyCustomerId(hold.shopifyCustomerId);
  if (!customerId)
    throw new HttpError(
      400,
      "invalid_customer",
      `shopifyCustomerId: "${hold.shopifyCustomerId}" is not a Shopify customer ID`,
    );
  const profileId = await profileIdByIdentifier(q, shopId, "shopify", customerId);
  const existing = await findRedemption(q, shopId, hold.redemptionId);
  if (existing) {
    // Compared by profile, not Shopify ID: the row keeps no identifier a customer's erasure would have to find.
    if (existing.profile_id !== profileId || Number(existing.requested_points) !== hold.points) {
      throw new HttpError(
        409,
        "redemption_id_reused",
        `redemption ${hold.redemptionId} was used for another customer or amount; use a new id`,
      );
    }
    return { created: false, view: await viewOf(q, shopId, existing) };
  }
  const currency = settings.currency;
  const cartTotalMinor = hold.cartTotal === undefined ? null : decimalToMinor(hold.cartTotal, currency);
  const quote = quoteRedemption({
    requestedPoints: hold.points,
    availablePoints: profileId ? await availablePoints(q, shopId, profileId) : 0,
    rate: settings.loyalty.redemption,
    currency,
    cartTotalMinor,
  });
  if (!quote.ok) throw new HttpError(422, quote.code, quote.message);
  const row: RedemptionRow = {
    id: hold.redemptionId,
    profile_id: profileId!,
    requested_points: hold.points,
    points: quote.points,
    amount_minor: quote.amountMinor,
    currency,
    state: "held",
    order_id: null,
    returned_points: 0,
  };
  await q.execute(sql`INSERT INTO redemptions (shop_id, id, profile_id, requested_points, points, amount_minor,
    currency,
                                               state, staff_id, held_at, updated_at)
    VALUES (${shopId}, ${row.id}, ${row.profile_id}, ${hold.points}, ${quote.points}, ${quote.amountMinor}, ${currency},
            'held', ${staffId}, ${now}, ${now})`);
  await writeLedger(
    q,
    shopId,
    row,
    `redemption:${row.id}:hold`,
    { kind: "redeem_hold", points: -quote.points },
    now,
    staffId,
  );
  await recomputeProfiles(q, shopId, [row.profile_id], settings, now);
  return { created: true, view: await viewOf(q, shopId, row) };
}

const REFUSAL_STATUS = {
  already_spent: 409,
  already_released: 409,
  spent_on_other_order: 409,
  not_spent: 409,
} as const;

/** Release (cart cleared, discount removed) or spend (transaction completed) from the register. */
export async function settleFromRegister(
  q: Queryable,
  shop: ShopContext,
  id: string,
  event: { kind: "release" } | { kind: "spend"; orderId: string },
  now: Date,
  staffId: string | null,
): Promise<RedemptionView> {
  const row = await findRedemption(q, shop.shopId, id);
  if (!row) throw notFound(`redemption ${id}`);
  const result = await apply(q, shop.shopId, row, event, now, staffId);
  if (result.refused)
    throw new HttpError(REFUSAL_STATUS[result.refused.code], result.refused.code, result.refused.message);
  const touched = result.changed ? [row.profile_id] : [];
  // The order may have been refunded before the register reported the sale.
  if (event.kind === "spend") touched.push(...(await returnForRefundedOrders(q, shop.shopId, [event.orderId], now)));
  if (touched.length > 0) await recomputeProfiles(q, shop.shopId, touched, shop.settings, now);
  return viewOf(q, shop.shopId, (await findRedemption(q, shop.shopId, id))!);
}

export async function findRedemptionView(q: Queryable, shopId: string, id: string): Promise<RedemptionView> {
  const row = await findRedemption(q, shopId, id);
  if (!row) throw notFound(`redemption ${id}`);
  return viewOf(q, shopId, row);
}

/** The redemption an order carries in its note attributes (set from the register's cart properties). */
export const redemptionIdOf = (order: WebhookOrder): string | null => {
  const attribute = order.note_attributes.find((a) => a.name === REDEMPTION_CART_PROPERTY);
  return typeof attribute?.value === "string" && attribute.value.trim() !== "" ? attribute.value.trim() : null;
};

/**
 * The order webhooks' part: an order carrying a redemption spends it (a no-op when the register already
 * did), and a refunded or cancelled order returns its redemptions' points. Returns the profiles whose
 * ledger changed; the caller recomputes them. A refusal (a released redemption) is left as it is: the
 * register removed that discount, so the order did not use those points.
 */
export async function settleOrderRedemptions(
  q: Queryable,
  shopId: string,
  orders: readonly WebhookOrder[],
  orderIds: readonly string[],
  now: Date,
) {
  const touched: string[] = [];
  for (const order of orders) {
    const id = redemptionIdOf(order);
    const row = id ? await findRedemption(q, shopId, id) : null;
    if (!row) continue;
    const result = await apply(q, shopId, row, { kind: "spend", orderId: order.id }, now, null);
    if (result.changed) touched.push(row.profile_id);
  }
  touched.push(...(await returnForRefundedOrders(q, shopId, orderIds, now)));
  return touched;
}

/** Returns, for each spent redemption of these orders, the points its order's refunds or cancel call for. */
async function returnForRefundedOrders(
  q: Queryable,
  shopId: string,
  orderIds: readonly string[],
  now: Date,
): Promise<string[]> {
  const rows = await queryRows<RedemptionRow & OrderStanding>(
    q,
    sql`SELECT r.*, ${orderStandingColumns("o")}
        FROM redemptions r JOIN orders o ON o.shop_id = r.shop_id AND o.order_id = r.order_id
        WHERE r.shop_id = ${shopId} AND r.order_id = ANY(${sqlTextArray([...orderIds])}) AND r.state = 'spent'
        ORDER BY r.id FOR UPDATE OF r`,
  );
  const touched: string[] = [];
  for (const row of rows) {
    const order = { total: Number(row.total), refunded: Number(row.refunded), cancelled: row.cancelled };
    const returnDue = pointsReturnedForOrder(Number(row.points), order);
    const result = await apply(q, shopId, row, { kind: "refund", returnDue }, now, null);
    if (result.changed) touched.push(row.profile_id);
  }
  return touched;
}
