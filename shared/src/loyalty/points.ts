import { toMajorUnits } from "../money/currency";
import { DAY_MS } from "../profile/days";
import { isRedemptionLedgerKind, type RedemptionLedgerKind } from "./redemption";

/** One row of the append-only points ledger (SPEC "Loyalty"). */
export interface LoyaltyEntry {
  kind: "earn" | "clawback" | "adjust" | RedemptionLedgerKind;
  /** Positive for earn, negative for clawback, either sign for a staff adjustment; redemptions see redemption.ts. */
  points: number;
  at: Date;
  /** Required for staff adjustments; see `validateAdjustment`. */
  reason?: string;
}

// amount × rate in binary floating point lands just below whole numbers (19.99 × 100 = 1998.9999…);
// anything within this of the next integer is that integer.
const FLOOR_SLACK = 1e-9;

/** Points earned on an order: whole points, rounded down, never negative. POS and online alike. */
export function pointsForOrder(amount: number, pointsPerUnit: number): number {
  const raw = amount * pointsPerUnit;
  if (!Number.isFinite(raw) || raw <= 0) return 0;
  return Math.floor(raw + FLOOR_SLACK);
}

/**
 * Points taken back for a refund, as a negative number (0 for nothing). Rounded down like earning, so
 * several partial refunds of one order never claw back more than the order earned.
 */
/**
 * What an order should hold in points right now: nothing once cancelled, otherwise the points for what
 * the customer kept (total less refunds). The ledger appends the difference to what it already gave, so
 * the balance converges whatever order the order, its edits, refunds and cancel arrive in.
 */
export function pointsDueForOrder(
  order: { total: number; refunded: number; cancelled: boolean },
  pointsPerUnit: number,
): number {
  if (order.cancelled) return 0;
  return pointsForOrder(Math.max(0, order.total - order.refunded), pointsPerUnit);
}

/**
 * `pointsDueForOrder` for an order kept in minor units (SPEC: points follow the shop's currency, per 1.00
 * of it). An order whose money is not in the shop's currency earns nothing rather than its face value.
 */
export function pointsDueForOrderInMinorUnits(
  order: { totalMinor: number; refundedMinor: number; cancelled: boolean; currency: string },
  shopCurrency: string,
  pointsPerUnit: number,
): number {
  if (order.currency !== shopCurrency) return 0;
  const kept = Math.max(0, order.totalMinor - order.refundedMinor);
  const total = toMajorUnits(kept, shopCurrency);
  return pointsDueForOrder({ total, refunded: 0, cancelled: order.cancelled }, pointsPerUnit);
}

export function clawbackForRefund(refundAmount: number, pointsPerUnit: number): number {
  const points = pointsForOrder(refundAmount, pointsPerUnit);
  return points === 0 ? 0 : -points;
}

export type AdjustmentResult =
  | { ok: true; entry: LoyaltyEntry & { kind: "adjust"; reason: string } }
  | { ok: false; code: "reason_required" | "points_invalid"; message: string };

/** A staff adjustment needs a reason and a whole, non-zero number of points. */
export function validateAdjustment(input: { points: number; reason?: string | null; at: Date }): AdjustmentResult {
  const reason = input.reason?.trim() ?? "";
  if (!Number.isInteger(input.points) || input.points === 0) {
    return {
      ok: false,
      code: "points_invalid",
      message: "Enter a whole number of points to add or remove, other than 0.",
    };
  }
  if (reason === "") {
    return {
      ok: false,
      code: "reason_required",
      message: "Say why you are adjusting these points; the reason is kept in the ledger.",
    };
  }
  return { ok: true, entry: { kind: "adjust", points: input.points, at: input.at, reason } };
}

/** Points balance: the sum of the whole ledger. */
export function balance(entries: LoyaltyEntry[]): number {
  return entries.reduce((sum, e) => sum + e.points, 0);
}

const YEAR_DAYS = 365;

/**
 * Points that count toward a tier: every entry (earned, clawed back, adjusted) dated in the 365 days up
 * to and including now; an entry exactly 365 days old still counts. Entries dated after `now` do not.
 * Never below 0, so a refund of last year's order cannot push this year's tier negative. Redeeming
 * points does not count: spending them at the register must not cost the customer their tier.
 */
export function rollingYearPoints(entries: LoyaltyEntry[], now: Date): number {
  const end = now.getTime();
  const start = end - YEAR_DAYS * DAY_MS;
  const sum = entries.reduce((acc, e) => {
    const t = e.at.getTime();
    return t >= start && t <= end && !isRedemptionLedgerKind(e.kind) ? acc + e.points : acc;
  }, 0);
  return Math.max(0, sum);
}
