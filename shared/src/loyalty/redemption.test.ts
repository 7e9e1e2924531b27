import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultShopSettings, shopSettingsSchema } from "../settings";
import {
  redemptionChoices,
  currencyMinorDigits,
  decimalToMinor,
  minorToDecimal,
  pointsReturnedForOrder,
  quoteRedemption,
  redemptionTransition,
  type Redemption,
  type RedemptionEvent,
} from "./redemption";

const rate = { pointsPerUnit: 100, minimumPoints: 100 };

describe("redemption settings", () => {
  it("defaults to the SPEC rate: 100 points = 1.00, at least 100 points", () => {
    expect(defaultShopSettings().loyalty.redemption).toEqual({ pointsPerUnit: 100, minimumPoints: 100 });
    expect(shopSettingsSchema.parse({ loyalty: { pointsPerUnit: 2 } }).loyalty.redemption.pointsPerUnit).toBe(100);
  });

  it("names the field when the rate is not a whole number of points above 0", () => {
    const bad = shopSettingsSchema.safeParse({ loyalty: { redemption: { pointsPerUnit: 0 } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["loyalty", "redemption", "pointsPerUnit"]);
    const fraction = shopSettingsSchema.safeParse({ loyalty: { redemption: { minimumPoints: 1.5 } } });
    expect(fraction.error?.issues[0]?.path).toEqual(["loyalty", "redemption", "minimumPoints"]);
  });
});

describe("money in minor units", () => {
  it("knows each currency's minor digits and writes decimals the Cart API reads", () => {
    expect([currencyMinorDigits("USD"), currencyMinorDigits("JPY"), currencyMinorDigits("KWD")]).toEqual([2, 0, 3]);
    expect(minorToDecimal(150, "USD")).toBe("1.50");
    expect(minorToDecimal(5, "EUR")).toBe("0.05");
    expect(minorToDecimal(150, "JPY")).toBe("150");
    expect(minorToDecimal(1234, "KWD")).toBe("1.234");
    expect(decimalToMinor("12.34", "USD")).toBe(1234);
    expect(decimalToMinor("-1", "USD")).toBeNull();
    expect(decimalToMinor("abc", "USD")).toBeNull();
  });
});

describe("quoteRedemption", () => {
  it("turns points into a fixed discount at the shop's rate", () => {
    expect(quoteRedemption({ requestedPoints: 500, availablePoints: 800, rate, currency: "USD" })).toEqual({
      ok: true,
      points: 500,
      amountMinor: 500,
    });
    expect(
      quoteRedemption({
        requestedPoints: 250,
        availablePoints: 800,
        rate: { pointsPerUnit: 1000, minimumPoints: 1 },
        currency: "USD",
      }),
    ).toEqual({
      ok: true,
      points: 250,
      amountMinor: 25,
    });
  });

  it("never charges for a fraction of a cent", () => {
    const q = quoteRedemption({
      requestedPoints: 1005,
      availablePoints: 2000,
      rate: { pointsPerUnit: 1000, minimumPoints: 1 },
      currency: "USD",
    });
    expect(q).toEqual({ ok: true, points: 1000, amountMinor: 100 });
  });

  it("refuses with a reason the clerk can act on", () => {
    const ask = (requestedPoints: number, extra: Partial<Parameters<typeof quoteRedemption>[0]> = {}) =>
      quoteRedemption({ requestedPoints, availablePoints: 300, rate, currency: "USD", ...extra });
    expect(ask(0)).toMatchObject({ ok: false, code: "points_invalid" });
    expect(ask(1.5)).toMatchObject({ ok: false, code: "points_invalid" });
    expect(ask(50)).toMatchObject({
      ok: false,
      code: "below_minimum",
      message: "This shop redeems at least 100 points at a time.",
    });
    expect(ask(301)).toMatchObject({
      ok: false,
      code: "not_enough_points",
      message: "The customer has 300 points available, fewer than 301.",
    });
    expect(ask(200, { availablePoints: -40 })).toMatchObject({
      ok: false,
      code: "not_enough_points",
      message: expect.stringContaining("has 0 points"),
    });
    expect(ask(300, { cartTotalMinor: 250 })).toMatchObject({
      ok: false,
      code: "more_than_cart",
      message: "A 3.00 discount is more than the cart's 2.50.",
    });
    expect(ask(100, { rate: { pointsPerUnit: 1000, minimumPoints: 1 }, currency: "JPY" })).toMatchObject({
      ok: false,
      code: "too_few_points_for_any_discount",
    });
  });

  it("property: never more points than asked or available, and the discount is what those points buy", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom("USD", "JPY", "KWD"),
        (asked, available, pointsPerUnit, currency) => {
          const q = quoteRedemption({
            requestedPoints: asked,
            availablePoints: available,
            rate: { pointsPerUnit, minimumPoints: 1 },
            currency,
          });
          if (!q.ok) return;
          const scale = 10 ** currencyMinorDigits(currency);
          expect(q.points).toBeLessThanOrEqual(Math.min(asked, available));
          expect(q.amountMinor).toBeGreaterThan(0);
          // The points paid buy at least the discount, and one point fewer would not.
          expect(q.points * scale).toBeGreaterThanOrEqual(q.amountMinor * pointsPerUnit - 1e-6);
          expect((q.points - 1) * scale).toBeLessThan(q.amountMinor * pointsPerUnit);
        },
      ),
    );
  });
});

describe("pointsReturnedForOrder", () => {
  it("returns the refunded share, all of it on a full refund or cancel", () => {
    expect(pointsReturnedForOrder(500, { total: 45, refunded: 0, cancelled: false })).toBe(0);
    expect(pointsReturnedForOrder(500, { total: 45, refunded: 22.5, cancelled: false })).toBe(250);
    expect(pointsReturnedForOrder(500, { total: 45, refunded: 45, cancelled: false })).toBe(500);
    expect(pointsReturnedForOrder(500, { total: 45, refunded: 0, cancelled: true })).toBe(500);
    expect(pointsReturnedForOrder(500, { total: 0, refunded: 0, cancelled: false })).toBe(500);
  });

  it("property: partial refunds never return more than was spent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.nat(1_000_000), { maxLength: 6 }),
        (points, totalCents, refunds) => {
          let refunded = 0;
          let last = 0;
          for (const cents of refunds) {
            refunded = Math.min(totalCents, refunded + cents);
            const due = pointsReturnedForOrder(points, {
              total: totalCents / 100,
              refunded: refunded / 100,
              cancelled: false,
            });
            expect(due).toBeGreaterThanOrEqual(last);
            expect(due).toBeLessThanOrEqual(points);
            last = due;
          }
        },
      ),
    );
  });
});

describe("redemptionTransition", () => {
  const held: Redemption = { state: "held", points: 500, orderId: null, returnedPoints: 0 };

  it("held -> spent, once, whichever of the register or the webhook comes first", () => {
    const spent = redemptionTransition(held, { kind: "spend", orderId: "1001" });
    expect(spent).toMatchObject({
      ok: true,
      changed: true,
      redemption: { state: "spent", orderId: "1001" },
      step: { kind: "redeem_spend", points: 0 },
    });
    if (!spent.ok) throw new Error("spend refused");
    expect(redemptionTransition(spent.redemption, { kind: "spend", orderId: "1001" })).toEqual({
      ok: true,
      changed: false,
      redemption: spent.redemption,
    });
    expect(redemptionTransition(spent.redemption, { kind: "spend", orderId: "2002" })).toMatchObject({
      ok: false,
      code: "spent_on_other_order",
    });
    expect(redemptionTransition(spent.redemption, { kind: "release" })).toMatchObject({
      ok: false,
      code: "already_spent",
    });
  });

  it("held -> released gives the points back, once; a released redemption cannot be spent", () => {
    const released = redemptionTransition(held, { kind: "release" });
    expect(released).toMatchObject({
      ok: true,
      changed: true,
      redemption: { state: "released" },
      step: { kind: "redeem_release", points: 500 },
    });
    if (!released.ok) throw new Error("release refused");
    expect(redemptionTransition(released.redemption, { kind: "release" })).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(redemptionTransition(released.redemption, { kind: "spend", orderId: "1" })).toMatchObject({
      ok: false,
      code: "already_released",
    });
    expect(redemptionTransition(held, { kind: "refund", returnDue: 100 })).toMatchObject({
      ok: false,
      code: "not_spent",
    });
  });

  it("spent -> clawed_back through partial returns that only grow", () => {
    const spent: Redemption = { state: "spent", points: 500, orderId: "1", returnedPoints: 0 };
    const half = redemptionTransition(spent, { kind: "refund", returnDue: 250 });
    expect(half).toMatchObject({
      ok: true,
      changed: true,
      redemption: { state: "spent", returnedPoints: 250 },
      step: { kind: "redeem_return", points: 250 },
    });
    if (!half.ok) throw new Error("refused");
    expect(redemptionTransition(half.redemption, { kind: "refund", returnDue: 100 })).toMatchObject({
      ok: true,
      changed: false,
    });
    const all = redemptionTransition(half.redemption, { kind: "refund", returnDue: 900 });
    expect(all).toMatchObject({
      ok: true,
      changed: true,
      redemption: { state: "clawed_back", returnedPoints: 500 },
      step: { points: 250 },
    });
  });

  it("property: any sequence of events moves the ledger by at most the points held, and never below -points", () => {
    const event: fc.Arbitrary<RedemptionEvent> = fc.oneof(
      fc.constantFrom<RedemptionEvent>(
        { kind: "release" },
        { kind: "spend", orderId: "1" },
        { kind: "spend", orderId: "2" },
      ),
      fc.integer({ min: 0, max: 700 }).map((returnDue): RedemptionEvent => ({ kind: "refund", returnDue })),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        let r = held;
        let ledger = -held.points; // the hold
        for (const e of events) {
          const t = redemptionTransition(r, e);
          if (!t.ok) continue;
          if (t.changed) ledger += t.step.points;
          r = t.redemption;
          expect(ledger).toBeGreaterThanOrEqual(-held.points);
          expect(ledger).toBeLessThanOrEqual(0);
        }
        if (r.state === "released" || r.state === "clawed_back") expect(ledger).toBe(0);
        if (r.state === "held") expect(ledger).toBe(-held.points);
      }),
    );
  });
});

describe("redemptionChoices", () => {
  const rate = { pointsPerUnit: 100, minimumPoints: 100 };

  it("offers the most the customer can redeem first, then steps of the shop's minimum, each with its discount", () => {
    expect(redemptionChoices({ availablePoints: 1380, rate, currency: "EUR" })).toEqual([
      { points: 1380, amountMinor: 1380 },
      { points: 200, amountMinor: 200 },
      { points: 500, amountMinor: 500 },
      { points: 1000, amountMinor: 1000 },
    ]);
  });

  it("never offers more than the cart's total", () => {
    expect(redemptionChoices({ availablePoints: 5000, rate, currency: "EUR", cartTotalMinor: 250 })).toEqual([
      { points: 250, amountMinor: 250 },
      { points: 100, amountMinor: 100 },
      { points: 200, amountMinor: 200 },
    ]);
  });

  it("offers nothing below the shop's minimum", () => {
    expect(redemptionChoices({ availablePoints: 99, rate, currency: "EUR" })).toEqual([]);
    expect(redemptionChoices({ availablePoints: 5000, rate, currency: "EUR", cartTotalMinor: 50 })).toEqual([]);
  });

  it("property: every choice is one the server's quote accepts, within what the customer has", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (available, total) => {
        const known = { availablePoints: available, rate, currency: "JPY" };
        for (const c of redemptionChoices({ ...known, cartTotalMinor: total })) {
          const quote = quoteRedemption({ ...known, requestedPoints: c.points });
          expect(quote).toEqual({ ok: true, ...c });
          expect(c.amountMinor).toBeLessThanOrEqual(total);
        }
      }),
    );
  });
});
