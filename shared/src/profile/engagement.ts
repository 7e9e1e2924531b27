/** Recent engagement, each counted over the shop's engagement lookback (30 days by default). */
export interface EngagementFacts {
  opens30d: number;
  replies30d: number;
  /** Clicks in messages: deliberate like replies, so they count with them (absent counts 0). */
  clicks30d?: number;
  /** Store visits and web sessions. */
  visits30d: number;
}

/**
 * Each signal saturates at a point past which more of it tells us nothing new, and the weights say
 * how much each means. Replies, clicks and visits are deliberate acts; opens are weak because mail
 * clients (Apple Mail Privacy Protection) open messages on the customer's behalf. Replies and clicks
 * share one term: a customer who clicks twice is as engaged as one who replies twice.
 */
export const ENGAGEMENT_WEIGHTS = {
  replies30d: { weight: 0.4, saturatesAt: 2 },
  visits30d: { weight: 0.4, saturatesAt: 4 },
  opens30d: { weight: 0.2, saturatesAt: 8 },
} as const;

const countOf = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? Math.max(0, n) : 0);

/**
 * Engagement 0–1, rounded to 3 decimals: Σ weight × min(count / saturatesAt, 1), with clicks added to
 * replies. The whole-shop pass computes the same sum in SQL, term by term in this order.
 */
export function engagementScore(facts: EngagementFacts): number {
  const counts: Record<keyof typeof ENGAGEMENT_WEIGHTS, number> = {
    replies30d: countOf(facts.replies30d) + countOf(facts.clicks30d),
    visits30d: countOf(facts.visits30d),
    opens30d: countOf(facts.opens30d),
  };
  let score = 0;
  for (const key of Object.keys(ENGAGEMENT_WEIGHTS) as (keyof typeof ENGAGEMENT_WEIGHTS)[]) {
    const { weight, saturatesAt } = ENGAGEMENT_WEIGHTS[key];
    score += weight * Math.min(counts[key] / saturatesAt, 1);
  }
  return Math.round(score * 1000) / 1000;
}
