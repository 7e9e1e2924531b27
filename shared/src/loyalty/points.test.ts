import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  balance,
  clawbackForRefund,
  pointsDueForOrder,
  pointsDueForOrderInMinorUnits,
  pointsForOrder,
  rollingYearPoints,
  validateAdjustment,
  type LoyaltyEntry,
} from "./points";

const DAY = 86_400_000;
const now = new Date("2025-06-30T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("pointsForOrder / clawbackForRefund", () => {
  it("earns whole points per currency unit, rounded down", () => {
    expect(pointsForOrder(42.99, 1)).toBe(42);
    expect(pointsForOrder(19.99, 100)).toBe(1999);
    expect(pointsForOrder(0.29, 100)).toBe(29);
    expect(pointsForOrder(10, 1.5)).toBe(15);
    expect(pointsForOrder(-5, 1)).toBe(0);
    expect(pointsForOrder(100, 0)).toBe(0);
    expect(pointsForOrder(Number.NaN, 1)).toBe(0);
  });

  it("claws back as a negative number, never -0", () => {
    expect(clawbackForRefund(42.99, 1)).toBe(-42);
    expect(Object.is(clawbackForRefund(0.5, 1), 0)).toBe(true);
  });

  it("property: partial refunds never claw back more than the order earned", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(0.5, 1, 2, 10),
        (cents, shares, rate) => {
          const total = shares.reduce((a, b) => a + b, 0) || 1;
          const refunds = shares.map((s) => Math.floor((cents * s) / total) / 100);
          const clawed = refunds.reduce((a, r) => a + clawbackForRefund(r, rate), 0);
          expect(clawed).toBeLessThanOrEqual(0);
          expect(-clawed).toBeLessThanOrEqual(pointsForOrder(cents / 100, rate));
        },
      ),
    );
  });

  it("property: a full refund takes back exactly what was earned", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(0.5, 1, 2, 10), (cents, rate) => {
        expect(pointsForOrder(cents / 100, rate) + clawbackForRefund(cents / 100, rate)).toBe(0);
      }),
    );
  });
});

describe("validateAdjustment", () => {
  it("requires a reason", () => {
    expect(validateAdjustment({ points: 50, at: now })).toMatchObject({ ok: false, code: "reason_required" });
    expect(validateAdjustment({ points: 50, reason: "   ", at: now })).toMatchObject({
      ok: false,
      code: "reason_required",
    });
    expect(validateAdjustment({ points: -50, reason: " Damaged item goodwill ", at: now })).toEqual({
      ok: true,
      entry: { kind: "adjust", points: -50, at: now, reason: "Damaged item goodwill" },
    });
  });

  it("requires a whole, non-zero number of points", () => {
    expect(validateAdjustment({ points: 0, reason: "x", at: now })).toMatchObject({
      ok: false,
      code: "points_invalid",
    });
    expect(validateAdjustment({ points: 1.5, reason: "x", at: now })).toMatchObject({
      ok: false,
      code: "points_invalid",
    });
  });
});

describe("balance / rollingYearPoints", () => {
  const ledger: LoyaltyEntry[] = [
    { kind: "earn", points: 400, at: ago(400 * DAY) },
    { kind: "earn", points: 300, at: ago(365 * DAY) },
    { kind: "earn", points: 200, at: ago(10 * DAY) },
    { kind: "clawback", points: -50, at: ago(5 * DAY) },
    { kind: "adjust", points: 25, at: ago(1 * DAY), reason: "Birthday" },
  ];

  it("balance sums the whole ledger", () => {
    expect(balance(ledger)).toBe(875);
    expect(balance([])).toBe(0);
  });

  it("rolling year counts the last 365 days, edge included", () => {
    expect(rollingYearPoints(ledger, now)).toBe(475);
    expect(rollingYearPoints(ledger, new Date(now.getTime() + 1))).toBe(175);
    expect(rollingYearPoints([...ledger, { kind: "earn", points: 999, at: new Date(now.getTime() + 1) }], now)).toBe(
      475,
    );
  });

  it("redeeming points lowers the balance but not the tier's points", () => {
    const redeemed: LoyaltyEntry[] = [
      ...ledger,
      { kind: "redeem_hold", points: -300, at: ago(2 * DAY) },
      { kind: "redeem_spend", points: 0, at: ago(2 * DAY) },
      { kind: "redeem_return", points: 100, at: ago(DAY) },
    ];
    expect(balance(redeemed)).toBe(675);
    expect(rollingYearPoints(redeemed, now)).toBe(475);
  });

  it("never below 0 when last year's order is refunded this year", () => {
    expect(
      rollingYearPoints(
        [
          { kind: "earn", points: 100, at: ago(400 * DAY) },
          { kind: "clawback", points: -100, at: ago(DAY) },
        ],
        now,
      ),
    ).toBe(0);
  });

  it("property: rolling year is within 0 and the sum of positive entries", () => {
    const entry = fc.record({
      kind: fc.constantFrom("earn" as const, "clawback" as const, "adjust" as const),
      points: fc.integer({ min: -1000, max: 1000 }),
      at: fc.integer({ min: -800, max: 10 }).map((d) => ago(d * DAY)),
    });
    fc.assert(
      fc.property(fc.array(entry), (entries) => {
        const p = rollingYearPoints(entries, now);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(entries.reduce((a, e) => a + Math.max(0, e.points), 0));
      }),
    );
  });
});

describe("pointsDueForOrder", () => {
  it("is the points for what the customer kept, and nothing once cancelled", () => {
    expect(pointsDueForOrder({ total: 120, refunded: 30, cancelled: false }, 1)).toBe(90);
    expect(pointsDueForOrder({ total: 120, refunded: 150, cancelled: false }, 1)).toBe(0);
    expect(pointsDueForOrder({ total: 120, refunded: 0, cancelled: true }, 1)).toBe(0);
    expect(pointsDueForOrder({ total: 19.99, refunded: 0, cancelled: false }, 100)).toBe(1999);
  });
});

describe("pointsDueForOrderInMinorUnits", () => {
  type Order = { totalMinor: number; refundedMinor: number; cancelled: boolean; currency: string };
  const due = (o: Partial<Order>, shop = "USD") =>
    pointsDueForOrderInMinorUnits({ totalMinor: 0, refundedMinor: 0, cancelled: false, currency: shop, ...o }, shop, 1);

  it("earns per 1.00 of the shop's currency, whatever its minor units", () => {
    expect(due({ totalMinor: 1999 })).toBe(19);
    expect(due({ totalMinor: 2_500_000_000, currency: "VND" }, "VND")).toBe(2_500_000_000);
    expect(due({ totalMinor: 10_999, currency: "KWD" }, "KWD")).toBe(10);
  });

  it("keeps what the customer kept and gives nothing once cancelled", () => {
    expect(due({ totalMinor: 10_000, refundedMinor: 2_550 })).toBe(74);
    expect(due({ totalMinor: 10_000, refundedMinor: 20_000 })).toBe(0);
    expect(due({ totalMinor: 10_000, cancelled: true })).toBe(0);
  });

  it("never counts another currency at face value", () => {
    expect(due({ totalMinor: 10_000, currency: "EUR" })).toBe(0);
  });
});
