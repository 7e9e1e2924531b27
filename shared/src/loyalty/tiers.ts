import type { ShopSettings } from "../settings";

export type LoyaltyTier = ShopSettings["loyalty"]["tiers"][number];

export interface TierStatus {
  tier: string;
  nextTier: string | null;
  /** Whole points still needed for `nextTier`; null at the top tier. */
  pointsToNextTier: number | null;
  /** 0–1 of the way from this tier's threshold to the next; 1 at the top tier. */
  progress: number;
}

/**
 * Where `points` (usually `rollingYearPoints`) puts the customer among the shop's tiers, in any order.
 *
 * The lowest tier is the entry tier: every customer is in it, even below its threshold (a shop whose
 * first tier starts at 100 still shows that tier, with progress toward the next). This keeps `tier` a
 * plain string, as `loyaltyViewSchema` expects. With no tiers at all, `tier` is "".
 */
export function tierFor(points: number, tiers: readonly LoyaltyTier[]): TierStatus {
  const sorted = [...tiers].sort((a, b) => a.minPoints - b.minPoints);
  const have = Number.isFinite(points) ? Math.max(0, points) : 0;
  let index = 0;
  for (let i = 1; i < sorted.length; i++) if (have >= sorted[i]!.minPoints) index = i;
  const current = sorted[index];
  const next = sorted[index + 1];
  if (!current) return { tier: "", nextTier: null, pointsToNextTier: null, progress: 1 };
  if (!next) return { tier: current.name, nextTier: null, pointsToNextTier: null, progress: 1 };
  // Below the entry tier's threshold, progress runs from 0 points.
  const from = have < current.minPoints ? 0 : current.minPoints;
  const span = next.minPoints - from;
  return {
    tier: current.name,
    nextTier: next.name,
    pointsToNextTier: Math.max(1, Math.ceil(next.minPoints - have)),
    progress: span <= 0 ? 0 : clamp01((have - from) / span),
  };
}

/** The line the POS shows, e.g. "120 points to Gold"; null at the top tier. */
export function loyaltyNudge(status: TierStatus): string | null {
  if (status.nextTier === null || status.pointsToNextTier === null) return null;
  const n = status.pointsToNextTier;
  return `${n} ${n === 1 ? "point" : "points"} to ${status.nextTier}`;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
