/** A 1–5 score; 5 is best (most recent, most frequent, highest spend). */
export type Score = 1 | 2 | 3 | 4 | 5;

export interface RfmScores {
  r: Score;
  f: Score;
  m: Score;
}

/** Days since the last order that still earn recency 5, 4, 3 and 2 (SPEC "Enrichment"); older is 1. */
export const RECENCY_DAYS = [30, 60, 120, 240] as const;

/** Recency by days since the last order (SPEC "Enrichment"): 5 within 30 d, then 60, 120, 240; older or never = 1. */
export function recencyScore(daysSinceLastOrder: number | null): Score {
  if (daysSinceLastOrder === null || Number.isNaN(daysSinceLastOrder)) return 1;
  if (daysSinceLastOrder <= 30) return 5;
  if (daysSinceLastOrder <= 60) return 4;
  if (daysSinceLastOrder <= 120) return 3;
  if (daysSinceLastOrder <= 240) return 2;
  return 1;
}

/**
 * The shop's 20th, 40th, 60th and 80th percentiles of `values`, ascending.
 *
 * Same definition as PostgreSQL's `percentile_cont` (linear interpolation between the two nearest ranks):
 * sort the n values, position = p × (n − 1) counted from 0, and interpolate between the values at
 * floor(position) and ceil(position). The server can therefore compute the same breaks in SQL:
 *
 * SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY
 * order_count) FROM profiles WHERE shop_id = $1;
 *
 * Non-finite values are ignored (SQL ignores NULLs the same way). No values gives no breaks.
 */
export function quintileBreaks(values: number[]): number[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return [0.2, 0.4, 0.6, 0.8].map((p) => percentileCont(sorted, p));
}

/** PostgreSQL `percentile_cont(p)` over already sorted, non-empty values. */
export function percentileCont(sorted: number[], p: number): number {
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (position - lower);
}

/**
 * 1 + the number of breaks the value is strictly above, so 5 = above the 80th percentile (top 20%).
 * A value equal to a break stays below it: with many one-order customers the breaks are [1, 1, 1, 2]
 * and a one-order customer scores 1, not 4. With no breaks (no shop data) every value scores 1.
 * In SQL: `1 + (value > b[1])::int + (value > b[2])::int + (value > b[3])::int + (value > b[4])::int`.
 */
export function quintileScore(value: number, breaks: number[]): Score {
  const above = breaks.filter((b) => value > b).length;
  return Math.min(5, 1 + above) as Score;
}

export interface RfmFacts {
  daysSinceLastOrder: number | null;
  orderCount: number;
  averageOrderValue: number;
}

export interface RfmBreaks {
  /** `quintileBreaks` of the shop's order counts. */
  frequency: number[];
  /** `quintileBreaks` of the shop's average order values. */
  monetary: number[];
}

export function rfmScores(facts: RfmFacts, breaks: RfmBreaks): RfmScores {
  return {
    r: recencyScore(facts.daysSinceLastOrder),
    f: quintileScore(facts.orderCount, breaks.frequency),
    m: quintileScore(facts.averageOrderValue, breaks.monetary),
  };
}
