/**
 * Redeeming points at the register (SPEC "Loyalty", redemption): points become a fixed cart discount at
 * the shop's rate. Pure rules only; the server keeps the state and the ledger, the register builds
 * requests from the same rules. No zod here, so the register can import this file without it.
 *
 * How each step shows in the points ledger (the ledger's points are what the customer can spend):
 *   hold     -N  the points leave the balance at once, so no other cart can redeem them again;
 *   release  +N  cart cleared or discount removed: the points come back;
 *   spend     0  the transaction completed: the held points are gone for good (the entry names the order);
 *   return   +k  the order was refunded: k of the N points come back, in proportion to the money refunded.
 * So "available = balance - held" is simply the ledger's sum. Redemption entries never count toward a
 * tier (see `rollingYearPoints`): spending points is not a reason to drop from Gold.
 */

export const REDEMPTION_STATES = ["held", "spent", "released", "clawed_back"] as const;
export type RedemptionState = (typeof REDEMPTION_STATES)[number];

export const REDEMPTION_LEDGER_KINDS = ["redeem_hold", "redeem_release", "redeem_spend", "redeem_return"] as const;
export type RedemptionLedgerKind = (typeof REDEMPTION_LEDGER_KINDS)[number];

export const isRedemptionLedgerKind = (kind: string): kind is RedemptionLedgerKind =>
  (REDEMPTION_LEDGER_KINDS as readonly string[]).includes(kind);

/**
 * The cart property (order note attribute) that carries the redemption id from the register to the
 * order webhook. The leading underscore keeps it off receipts.
 */
export const REDEMPTION_CART_PROPERTY = "_c360_redemption";

/** The shop's rate: `pointsPerUnit` points buy 1.00 of the shop's currency (default 100). */
export interface RedemptionRate {
  pointsPerUnit: number;
  /** The smallest redemption the shop accepts, in points. */
  minimumPoints: number;
}

/** Digits after the decimal point of an ISO 4217 currency (USD 2, JPY 0, KWD 3). */
export function currencyMinorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An amount in minor units as the decimal string the Cart API and Shopify expect ("1.50", "150" for JPY). */
export function minorToDecimal(amountMinor: number, currency: string): string {
  const digits = currencyMinorDigits(currency);
  if (digits === 0) return String(amountMinor);
  const scale = 10 ** digits;
  const whole = Math.floor(amountMinor / scale);
  const part = String(amountMinor % scale).padStart(digits, "0");
  return `${whole}.${part}`;
}

/** A decimal amount ("12.34") in minor units, rounded to the nearest; null when it is not an amount. */
export function decimalToMinor(amount: string | number, currency: string): number | null {
  const n = typeof amount === "number" ? amount : /^\d+(\.\d+)?$/.test(amount.trim()) ? Number(amount) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.round(n * 10 ** currencyMinorDigits(currency));
}

export type RedemptionRefusal =
  | "points_invalid"
  | "below_minimum"
  | "not_enough_points"
  | "more_than_cart"
  | "too_few_points_for_any_discount";

export type RedemptionQuote =
  | { ok: true; points: number; amountMinor: number }
  | { ok: false; code: RedemptionRefusal; message: string };

const plural = (n: number) => `${n} ${n === 1 ? "point" : "points"}`;

/**
 * What redeeming `requestedPoints` gives: the discount in minor units, rounded down, and the points it
 * really costs (the fewest points that buy that amount, so a customer never pays for a fraction of a
 * cent). Refused, with a sentence for the clerk, below the shop's minimum, beyond what the customer has
 * available, or beyond the cart's total when it is known.
 */
export function quoteRedemption(input: {
  requestedPoints: number;
  availablePoints: number;
  rate: RedemptionRate;
  currency: string;
  cartTotalMinor?: number | null;
}): RedemptionQuote {
  const { requestedPoints: asked, availablePoints, rate, currency } = input;
  if (!Number.isSafeInteger(asked) || asked <= 0) {
    return { ok: false, code: "points_invalid", message: "Enter a whole number of points to redeem, more than 0." };
  }
  if (asked < rate.minimumPoints) {
    return {
      ok: false,
      code: "below_minimum",
      message: `This shop redeems at least ${plural(rate.minimumPoints)} at a time.`,
    };
  }
  if (asked > availablePoints) {
    const have = Math.max(0, availablePoints);
    return {
      ok: false,
      code: "not_enough_points",
      message: `The customer has ${plural(have)} available, fewer than ${asked}.`,
    };
  }
  const scale = 10 ** currencyMinorDigits(currency);
  const amountMinor = Math.floor((asked * scale) / rate.pointsPerUnit + 1e-9);
  if (amountMinor <= 0) {
    return {
      ok: false,
      code: "too_few_points_for_any_discount",
      message: `${plural(asked)} is not enough for any discount.`,
    };
  }
  if (input.cartTotalMinor != null && amountMinor > input.cartTotalMinor) {
    const total = minorToDecimal(input.cartTotalMinor, currency);
    return {
      ok: false,
      code: "more_than_cart",
      message: `A ${minorToDecimal(amountMinor, currency)} discount is more than the cart's ${total}.`,
    };
  }
  const points = Math.ceil((amountMinor * rate.pointsPerUnit) / scale - 1e-9);
  return { ok: true, points: Math.min(points, asked), amountMinor };
}

/**
 * Points returned for a refunded order: the share of the redeemed points that matches the share of the
 * order's money refunded, rounded down (so partial refunds never return more than was spent); all of
 * them once the order is cancelled or refunded in full. Like `pointsDueForOrder`, this is the total due
 * now, and the ledger appends the difference to what it already returned.
 */
export function pointsReturnedForOrder(
  points: number,
  order: { total: number; refunded: number; cancelled: boolean },
): number {
  if (order.cancelled || order.refunded >= order.total) return points;
  if (order.refunded <= 0 || order.total <= 0) return 0;
  return Math.min(points, Math.floor((points * order.refunded) / order.total + 1e-9));
}

export interface Redemption {
  state: RedemptionState;
  points: number;
  orderId: string | null;
  returnedPoints: number;
}

export type RedemptionEvent =
  | { kind: "spend"; orderId: string }
  | { kind: "release" }
  | { kind: "refund"; returnDue: number };

export interface LedgerStep {
  kind: RedemptionLedgerKind;
  points: number;
}

export type RedemptionTransition =
  | { ok: true; changed: false; redemption: Redemption }
  | { ok: true; changed: true; redemption: Redemption; step: LedgerStep }
  | { ok: false; code: "already_spent" | "already_released" | "spent_on_other_order" | "not_spent"; message: string };

/**
 * The state machine: held -> spent | released; spent -> clawed_back (through partial returns). Every
 * event is idempotent: repeating one that already happened changes nothing and is not an error, which
 * is what lets the register's transaction event and the order webhook both spend a redemption, once.
 */
export function redemptionTransition(r: Redemption, event: RedemptionEvent): RedemptionTransition {
  const same = { ok: true as const, changed: false as const, redemption: r };
  switch (event.kind) {
    case "spend":
      if (r.state === "held") {
        return {
          ok: true,
          changed: true,
          redemption: { ...r, state: "spent", orderId: event.orderId },
          step: { kind: "redeem_spend", points: 0 },
        };
      }
      if (r.state === "released") {
        return {
          ok: false,
          code: "already_released",
          message: "These points were released from the cart; apply them again to redeem.",
        };
      }
      return r.orderId === event.orderId
        ? same
        : {
            ok: false,
            code: "spent_on_other_order",
            message: `These points were already spent on order ${r.orderId}.`,
          };
    case "release":
      if (r.state === "held") {
        return {
          ok: true,
          changed: true,
          redemption: { ...r, state: "released" },
          step: { kind: "redeem_release", points: r.points },
        };
      }
      if (r.state === "released") return same;
      return {
        ok: false,
        code: "already_spent",
        message: "These points were spent on a completed sale; refund the order to return them.",
      };
    case "refund": {
      if (r.state !== "spent" && r.state !== "clawed_back") {
        return { ok: false, code: "not_spent", message: "Only points spent on an order come back with its refund." };
      }
      const due = Math.min(r.points, Math.max(0, Math.floor(event.returnDue)));
      // Returns only grow: a refund is never taken back, so a lower figure (a stale delivery) changes nothing.
      if (due <= r.returnedPoints) return same;
      const redemption: Redemption = { ...r, returnedPoints: due, state: due === r.points ? "clawed_back" : "spent" };
      return { ok: true, changed: true, redemption, step: { kind: "redeem_return", points: due - r.returnedPoints } };
    }
  }
}

/**
 * The choices the register offers: the most the customer can redeem on this cart first (the default),
 * then the shop's minimum and round steps of it in between, each quoted by {@link quoteRedemption} so
 * the clerk sees the discount before applying. Empty when no redemption is possible.
 */
export function redemptionChoices(input: {
  availablePoints: number;
  rate: RedemptionRate;
  currency: string;
  cartTotalMinor?: number | null;
}): Array<{ points: number; amountMinor: number }> {
  const { availablePoints, rate, currency } = input;
  const scale = 10 ** currencyMinorDigits(currency);
  const cartPoints =
    input.cartTotalMinor == null ? Infinity : Math.floor((input.cartTotalMinor * rate.pointsPerUnit) / scale + 1e-9);
  const most = Math.floor(Math.min(Math.max(0, availablePoints), cartPoints));
  const steps = [1, 2, 5, 10, 20, 50].map((n) => n * rate.minimumPoints).filter((p) => p < most);
  const quoted = new Map<number, { points: number; amountMinor: number }>();
  for (const asked of [most, ...steps.reverse().slice(0, 3).reverse()]) {
    const quote = quoteRedemption({ ...input, requestedPoints: asked });
    if (!quote.ok || quoted.has(quote.points)) continue;
    quoted.set(quote.points, { points: quote.points, amountMinor: quote.amountMinor });
  }
  return [...quoted.values()];
}
