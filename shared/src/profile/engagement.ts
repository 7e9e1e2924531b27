/** Recent engagement, each counted over the last 30 days. */
export interface EngagementFacts {
  opens30d: number;
  replies30d: number;
  visits30d: number;
}

/**
 * Each signal saturates at a point past which more of it tells us nothing new, and the weights say
 * how much each means. Replies and visits are deliberate acts; opens are weak because mail clients
 * (Apple Mail Privacy Protection) open messages on the customer's behalf.
 */
export const ENGAGEMENT_WEIGHTS = {
  replies30d: { weight: 0.4, saturatesAt: 2 },
  visits30d: { weight: 0.4, saturatesAt: 4 },
  opens30d: { weight: 0.2, saturatesAt: 8 },
} as const;

/** Engagement 0–1, rounded to 3 decimals: Σ weight × min(count / saturatesAt, 1). */
export function engagementScore(facts: EngagementFacts): number {
  let score = 0;
  for (const key of Object.keys(ENGAGEMENT_WEIGHTS) as (keyof EngagementFacts)[]) {
    const { weight, saturatesAt } = ENGAGEMENT_WEIGHTS[key];
    const count = Number.isFinite(facts[key]) ? Math.max(0, facts[key]) : 0;
    score += weight * Math.min(count / saturatesAt, 1);
  }
  return Math.round(score * 1000) / 1000;
}
