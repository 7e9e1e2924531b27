/** The rolling window the gate counts sent messages over: (at - 7 days, at]. */
export const FATIGUE_WINDOW_MS = 7 * 24 * 60 * 60_000;
/** Ten messages in a week is full fatigue. */
export const FATIGUE_FULL_AT = 10;

/** A customer's fatigue from the messages sent to them in the rolling 7 days: sent / 10, capped at 1. */
export function fatigueOfSentCount(sentInWindow: number): number {
  return Math.min(1, Math.max(0, sentInWindow) / FATIGUE_FULL_AT);
}

/**
 * The dashboard's fatigue bands, lowest first; a score falls in the first band whose `below` it is under.
 * The top band starts at the default send threshold (0.7), where the gate blocks.
 */
export const FATIGUE_BANDS = [
  { key: "under_0_3", below: 0.3 },
  { key: "0_3_to_0_5", below: 0.5 },
  { key: "0_5_to_0_7", below: 0.7 },
  { key: "blocked_0_7_plus", below: Number.POSITIVE_INFINITY },
] as const;

export type FatigueBand = (typeof FATIGUE_BANDS)[number]["key"];

export function fatigueBand(score: number): FatigueBand {
  return FATIGUE_BANDS.find((b) => score < b.below)!.key;
}

/** A shop is flagged in the agency roll-up when more than this share of its customers is at or over the threshold. */
export const FATIGUE_FLAG_SHARE = 0.6;

export function isFatigueFlagged(shareAtOrAboveThreshold: number): boolean {
  return shareAtOrAboveThreshold > FATIGUE_FLAG_SHARE;
}
