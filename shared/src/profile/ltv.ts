import { DAY_MS } from "./days";

export interface LifetimeValue {
  /** What they have spent so far, to the cent. */
  historical: number;
  /** What they will probably spend in the next 90 days at their own pace, to the cent. */
  predicted90d: number;
}

export interface LifetimeValueFacts {
  lifetimeSpend: number;
  orderDates: Date[];
  /** Defaults to the earliest of `orderDates`. */
  firstOrderAt: Date | null;
}

// A customer who ordered twice last week has no meaningful "per day" pace yet; spreading their spend
// over at least a month keeps one burst from predicting a fortune.
const MIN_SPAN_DAYS = 30;

/**
 * Historical spend plus a 90-day prediction from the customer's own rate: lifetime spend divided by
 * the days from their first order to now (at least 30), times 90.
 *
 * With fewer than 2 orders the prediction is 0: one order says nothing about whether they come back,
 * and a rate built from it would predict a repeat purchase for every one-off buyer.
 */
export function lifetimeValue(facts: LifetimeValueFacts, now: Date): LifetimeValue {
  const historical = toCents(Math.max(0, facts.lifetimeSpend));
  const times = facts.orderDates.map((d) => d.getTime()).filter(Number.isFinite);
  if (times.length < 2 || historical === 0) return { historical, predicted90d: 0 };
  const firstOrderAt = facts.firstOrderAt?.getTime() ?? Math.min(...times);
  const spanDays = Math.max(MIN_SPAN_DAYS, (now.getTime() - firstOrderAt) / DAY_MS);
  return { historical, predicted90d: toCents((historical / spanDays) * 90) };
}

/** Round half away from zero to the cent; the epsilon keeps 1.005 from becoming 1.00. */
export const toCents = (amount: number): number => Math.round((amount + Number.EPSILON * Math.abs(amount)) * 100) / 100;
