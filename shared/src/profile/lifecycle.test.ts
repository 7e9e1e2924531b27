import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultShopSettings } from "../settings";
import { LIFECYCLE_STAGES, lifecycleStage, type LifecycleFacts } from "./lifecycle";

const DAY = 86_400_000;
const windows = defaultShopSettings().lifecycle;
const now = new Date("2025-06-30T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

const facts = (over: Partial<LifecycleFacts>): LifecycleFacts => ({
  firstSeenAt: ago(200 * DAY),
  lastActivityAt: ago(5 * DAY),
  orderCount: 0,
  visitsInLookback: 0,
  ...over,
});
const stageOf = (over: Partial<LifecycleFacts>) => lifecycleStage(facts(over), windows, now).stage;

describe("lifecycleStage", () => {
  it("explains a loyal customer in one sentence", () => {
    expect(lifecycleStage(facts({ orderCount: 2, lastActivityAt: ago(12 * DAY) }), windows, now)).toEqual({
      stage: "loyal",
      rule: "2 orders, last activity 12 days ago (within 30 days).",
    });
  });

  it("churned: exactly churnedDays is still inside, one ms more is out", () => {
    expect(stageOf({ orderCount: 3, lastActivityAt: ago(90 * DAY) })).toBe("at_risk");
    expect(stageOf({ orderCount: 3, lastActivityAt: ago(90 * DAY + 1) })).toBe("churned");
    expect(stageOf({ orderCount: 0, lastActivityAt: ago(90 * DAY) })).toBe("new");
    expect(stageOf({ orderCount: 0, lastActivityAt: ago(90 * DAY + 1) })).toBe("churned");
  });

  it("churned is measured from first seen when there is no activity since", () => {
    expect(stageOf({ lastActivityAt: null, firstSeenAt: ago(90 * DAY) })).toBe("new");
    expect(stageOf({ lastActivityAt: null, firstSeenAt: ago(90 * DAY + 1) })).toBe("churned");
  });

  it("at_risk: exactly atRiskDays is still inside, one ms more is out", () => {
    expect(stageOf({ orderCount: 1, lastActivityAt: ago(30 * DAY) })).toBe("converted");
    expect(stageOf({ orderCount: 1, lastActivityAt: ago(30 * DAY + 1) })).toBe("at_risk");
    expect(stageOf({ orderCount: 2, lastActivityAt: ago(30 * DAY) })).toBe("loyal");
    expect(stageOf({ orderCount: 2, lastActivityAt: ago(30 * DAY + 1) })).toBe("at_risk");
  });

  it("at_risk needs an order: a quiet non-buyer stays new until churned", () => {
    const r = lifecycleStage(facts({ orderCount: 0, lastActivityAt: ago(45 * DAY) }), windows, now);
    expect(r.stage).toBe("new");
    expect(r.rule).toBe(
      "No order yet and fewer than 3 visits in the last 30 days; " +
        "still new until 90 days without activity (last activity 45 days ago).",
    );
  });

  it("engaged: engagedMinVisits or more visits in the lookback, without an order", () => {
    expect(stageOf({ visitsInLookback: 2 })).toBe("new");
    const r = lifecycleStage(facts({ visitsInLookback: 3 }), windows, now);
    expect(r).toEqual({ stage: "engaged", rule: "No order yet, 3 visits in the last 30 days (3 or more)." });
    expect(stageOf({ visitsInLookback: 3, orderCount: 1 })).toBe("converted");
  });

  it("new: first seen within the engaged window, edge included", () => {
    const inside = lifecycleStage(
      facts({ firstSeenAt: ago(14 * DAY), lastActivityAt: null, visitsInLookback: 1 }),
      windows,
      now,
    );
    expect(inside).toEqual({
      stage: "new",
      rule: "No order yet, first seen 14 days ago (within 14 days), 1 visit in the last 30 days.",
    });
    const past = lifecycleStage(facts({ firstSeenAt: ago(14 * DAY + 1), lastActivityAt: null }), windows, now);
    expect(past.stage).toBe("new");
    expect(past.rule).toContain("still new until 90 days without activity");
    expect(lifecycleStage(facts({ firstSeenAt: now, lastActivityAt: null }), windows, now).rule).toBe(
      "No order yet, first seen today (within 14 days), 0 visits in the last 30 days.",
    );
  });

  it("honours a shop's own windows (a fashion shop at 14 days)", () => {
    const fashion = { ...windows, atRiskDays: 14, churnedDays: 60 };
    expect(lifecycleStage(facts({ orderCount: 1, lastActivityAt: ago(15 * DAY) }), fashion, now).stage).toBe("at_risk");
    expect(lifecycleStage(facts({ orderCount: 1, lastActivityAt: ago(61 * DAY) }), fashion, now).stage).toBe("churned");
  });

  it("activity in the future (device clock skew) counts as today", () => {
    const r = lifecycleStage(facts({ orderCount: 1, lastActivityAt: new Date(now.getTime() + DAY) }), windows, now);
    expect(r).toEqual({ stage: "converted", rule: "1 order, last activity today (within 30 days)." });
  });

  const arbFacts = fc.record({
    firstSeenDaysAgo: fc.double({ min: 0, max: 400, noNaN: true }),
    lastActivityDaysAgo: fc.option(fc.double({ min: 0, max: 400, noNaN: true })),
    orderCount: fc.nat(20),
    visitsInLookback: fc.nat(20),
  });
  const toFacts = (a: {
    firstSeenDaysAgo: number;
    lastActivityDaysAgo: number | null;
    orderCount: number;
    visitsInLookback: number;
  }): LifecycleFacts => ({
    firstSeenAt: ago(a.firstSeenDaysAgo * DAY),
    lastActivityAt: a.lastActivityDaysAgo === null ? null : ago(a.lastActivityDaysAgo * DAY),
    orderCount: a.orderCount,
    visitsInLookback: a.visitsInLookback,
  });

  it("property: always exactly one known stage with a one-sentence rule", () => {
    fc.assert(
      fc.property(arbFacts, (a) => {
        const r = lifecycleStage(toFacts(a), windows, now);
        expect(LIFECYCLE_STAGES).toContain(r.stage);
        expect(r.rule).toMatch(/^[A-Z0-9][^\n]*\.$/);
      }),
    );
  });

  it("property: stage agrees with orders (no buyer is new/engaged, no non-buyer is converted/loyal/at_risk)", () => {
    fc.assert(
      fc.property(arbFacts, (a) => {
        const { stage } = lifecycleStage(toFacts(a), windows, now);
        if (a.orderCount === 0) expect(["new", "engaged", "churned"]).toContain(stage);
        else expect(["converted", "loyal", "at_risk", "churned"]).toContain(stage);
        if (stage === "loyal") expect(a.orderCount).toBeGreaterThanOrEqual(2);
        if (stage === "converted") expect(a.orderCount).toBe(1);
      }),
    );
  });

  it("property: more quiet time never makes a profile healthier", () => {
    const rank = { new: 0, engaged: 0, converted: 0, loyal: 0, at_risk: 1, churned: 2 } as const;
    fc.assert(
      fc.property(arbFacts, fc.double({ min: 0, max: 400, noNaN: true }), (a, extraDays) => {
        const before = lifecycleStage(toFacts(a), windows, now).stage;
        const later = new Date(now.getTime() + extraDays * DAY);
        const after = lifecycleStage(toFacts(a), windows, later).stage;
        expect(rank[after]).toBeGreaterThanOrEqual(rank[before]);
      }),
    );
  });
});
