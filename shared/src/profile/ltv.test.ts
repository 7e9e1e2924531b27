import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { lifetimeValue, toCents } from "./ltv";

const DAY = 86_400_000;
const now = new Date("2025-06-30T00:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe("lifetimeValue", () => {
  it("predicts 90 days from the customer's own spend per day since their first order", () => {
    // 600 over 180 days → 3.33/day → 300.00 in 90 days
    expect(
      lifetimeValue({ lifetimeSpend: 600, orderDates: [ago(180), ago(90), ago(10)], firstOrderAt: ago(180) }, now),
    ).toEqual({
      historical: 600,
      predicted90d: 300,
    });
  });

  it("takes the first order from the dates when not given", () => {
    expect(
      lifetimeValue({ lifetimeSpend: 100, orderDates: [ago(10), ago(100)], firstOrderAt: null }, now).predicted90d,
    ).toBe(90);
  });

  it("spreads a burst over at least 30 days", () => {
    // two orders this week, 200 spent → 200/30·90 = 600, not 200/7·90
    expect(
      lifetimeValue({ lifetimeSpend: 200, orderDates: [ago(7), ago(1)], firstOrderAt: ago(7) }, now).predicted90d,
    ).toBe(600);
  });

  it("predicts nothing from a single order", () => {
    expect(lifetimeValue({ lifetimeSpend: 80.456, orderDates: [ago(3)], firstOrderAt: ago(3) }, now)).toEqual({
      historical: 80.46,
      predicted90d: 0,
    });
  });

  it("rounds to cents", () => {
    expect(toCents(1.005)).toBe(1.01);
    expect(toCents(2.675)).toBe(2.68);
    expect(toCents(10)).toBe(10);
    // 100 over 70 days → 128.571… → 128.57
    expect(
      lifetimeValue({ lifetimeSpend: 100, orderDates: [ago(70), ago(5)], firstOrderAt: ago(70) }, now).predicted90d,
    ).toBe(128.57);
  });

  it("property: never negative, at most 3× lifetime spend, always whole cents", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 1e6, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 3650 }), { maxLength: 20 }),
        (spend, daysAgo) => {
          const v = lifetimeValue({ lifetimeSpend: spend, orderDates: daysAgo.map(ago), firstOrderAt: null }, now);
          expect(v.predicted90d).toBeGreaterThanOrEqual(0);
          expect(v.predicted90d).toBeLessThanOrEqual(v.historical * 3 + 0.01);
          expect(Math.abs(v.predicted90d * 100 - Math.round(v.predicted90d * 100))).toBeLessThan(1e-6);
        },
      ),
    );
  });
});
