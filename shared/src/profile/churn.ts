import type { RfmScores } from "./rfm";

export const CHURN_BANDS = ["healthy", "drifting", "at_risk", "likely_lost"] as const;
export type ChurnBand = (typeof CHURN_BANDS)[number];

// SPEC "Enrichment": recency dominates; a loyal big spender who stopped coming is still a risk.
const WEIGHTS = { r: 60, f: 25, m: 15 } as const;

/**
 * Churn risk 0–1 = 0.60·(5−r)/4 + 0.25·(5−f)/4 + 0.15·(5−m)/4, rounded to 3 decimals.
 * Computed in whole hundredths-of-a-quarter so the rounding is exact (no 0.30000000000000004).
 */
export function churnRisk(rfm: RfmScores): number {
  const quarterPercents = WEIGHTS.r * (5 - rfm.r) + WEIGHTS.f * (5 - rfm.f) + WEIGHTS.m * (5 - rfm.m);
  return Math.round(quarterPercents * 2.5) / 1000;
}

/** Bands: below 0.3 healthy, 0.3 up to 0.5 drifting, 0.5 up to 0.7 at risk, 0.7 and above likely lost. */
export function churnBand(risk: number): ChurnBand {
  if (risk < 0.3) return "healthy";
  if (risk < 0.5) return "drifting";
  if (risk < 0.7) return "at_risk";
  return "likely_lost";
}

const BAND_WORDS: Record<ChurnBand, string> = {
  healthy: "healthy",
  drifting: "drifting",
  at_risk: "at risk",
  likely_lost: "likely lost",
};

/**
 * One line for the merchant, e.g. "Churn risk 0.55 (at risk): recency 2/5, frequency 3/5, spend 4/5; mostly recency."
 */
export function explainChurn(rfm: RfmScores): string {
  const risk = churnRisk(rfm);
  const parts = [
    { name: "recency", weight: WEIGHTS.r * (5 - rfm.r) },
    { name: "frequency", weight: WEIGHTS.f * (5 - rfm.f) },
    { name: "spend", weight: WEIGHTS.m * (5 - rfm.m) },
  ];
  const biggest = parts.reduce((a, b) => (b.weight > a.weight ? b : a));
  const scores = `recency ${rfm.r}/5, frequency ${rfm.f}/5, spend ${rfm.m}/5`;
  const driver = biggest.weight === 0 ? "" : `; mostly ${biggest.name}`;
  return `Churn risk ${risk.toFixed(2)} (${BAND_WORDS[churnBand(risk)]}): ${scores}${driver}.`;
}
