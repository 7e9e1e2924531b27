/**
 * What each RFM score means, in a sentence a merchant reads beside "5-5-5". The thresholds are the
 * rule's own (profile/rfm.ts), so the words cannot drift from the scoring.
 */
import { RECENCY_DAYS } from "../profile/rfm";

const QUINTILE: Record<number, string> = {
  5: "top 20%",
  4: "60-80th percentile",
  3: "middle 20%",
  2: "20-40th percentile",
  1: "bottom 20%",
};

/** "Recency 5: last order within 30 days". */
export function recencyMeaning(score: number): string {
  const [d5, d4, d3, d2] = RECENCY_DAYS;
  const within: Record<number, string> = {
    5: `last order within ${d5} days`,
    4: `last order ${d5 + 1}-${d4} days ago`,
    3: `last order ${d4 + 1}-${d3} days ago`,
    2: `last order ${d3 + 1}-${d2} days ago`,
    1: `last order more than ${d2} days ago, or none`,
  };
  return within[score] ?? "not scored yet";
}

/** "Frequency 3: orders as often as the middle 20% of this shop's customers". */
export function frequencyMeaning(score: number | null): string {
  return score == null || !QUINTILE[score] ? "not scored yet" : `order count in the shop's ${QUINTILE[score]}`;
}

/** "Monetary 5: average order value in the shop's top 20%". */
export function monetaryMeaning(score: number | null): string {
  return score == null || !QUINTILE[score] ? "not scored yet" : `average order value in the shop's ${QUINTILE[score]}`;
}

/** The three lines under an RFM score. */
export function rfmMeaning(rfm: {
  r: number;
  f: number | null;
  m: number | null;
}): { label: string; score: string; meaning: string }[] {
  return [
    { label: "Recency", score: String(rfm.r), meaning: recencyMeaning(rfm.r) },
    { label: "Frequency", score: rfm.f == null ? "–" : String(rfm.f), meaning: frequencyMeaning(rfm.f) },
    { label: "Monetary", score: rfm.m == null ? "–" : String(rfm.m), meaning: monetaryMeaning(rfm.m) },
  ];
}
