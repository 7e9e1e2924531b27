import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultShopSettings } from "../settings";
import { tierFor } from "../loyalty/tiers";
import type { CoPurchaseRule } from "./co-purchase";
import { checkoutHints } from "./hints";
import type { ReplenishmentDue } from "./replenishment";

const DAY = 86_400_000;
const now = new Date("2025-06-30T12:00:00Z");
const tiers = defaultShopSettings().loyalty.tiers;
const rule = (antecedent: string, consequent: string, confidence: number, lift: number): CoPurchaseRule => ({
  antecedent,
  consequent,
  support: 0.1,
  confidence,
  lift,
});
const titles = { shirt: "Linen Shirt", tie: "Silk Tie", socks: "Wool Socks", beans: "Coffee beans" };

describe("checkoutHints", () => {
  const rules = [
    rule("shirt", "tie", 0.42, 3.14),
    rule("shirt", "socks", 0.3, 1.5),
    rule("shirt", "belt", 0.9, 0.8),
    rule("hat", "scarf", 0.9, 4),
  ];
  const replenishment: ReplenishmentDue[] = [
    { productId: "beans", title: "Beans (old name)", dueAt: new Date(now.getTime() + 3 * DAY), meanGapDays: 28 },
  ];

  it("names the product and explains each hint in a clerk's words, best first, with a variant where known", () => {
    const productVariants = { tie: "4401" };
    const hints = checkoutHints({
      cartProductIds: ["shirt"],
      rules,
      replenishment,
      loyalty: tierFor(1380, tiers),
      productTitles: titles,
      productVariants,
      now,
      limit: 5,
    });
    expect(hints).toEqual([
      {
        kind: "replenishment",
        productId: "beans",
        productTitle: "Coffee beans",
        message: "Coffee beans due in 3 days (bought every 28 days)",
        score: 0.903,
      },
      { kind: "loyalty", message: "120 points to Gold", score: 0.44 },
      {
        kind: "co_purchase",
        productId: "tie",
        productTitle: "Silk Tie",
        variantId: "4401",
        message: "42% of people who bought Linen Shirt also bought the Silk Tie",
        score: 0.42,
      },
      {
        kind: "co_purchase",
        productId: "socks",
        productTitle: "Wool Socks",
        message: "30% of people who bought Linen Shirt also bought the Wool Socks",
        score: 0.3,
      },
    ]);
    for (const hint of hints) expect(hint.message).not.toMatch(/lift/i);
  });

  it("limits to 3 by default, skips rules at or below lift 1 and rules not triggered by the cart", () => {
    const hints = checkoutHints({
      cartProductIds: ["shirt"],
      rules,
      replenishment,
      loyalty: tierFor(1380, tiers),
      now,
    });
    expect(hints).toHaveLength(3);
    expect(hints.map((h) => h.productId)).not.toContain("belt");
    expect(hints.map((h) => h.productId)).not.toContain("scarf");
  });

  it("never suggests what is already in the cart", () => {
    const hints = checkoutHints({
      cartProductIds: ["shirt", "tie", "beans"],
      rules,
      replenishment,
      loyalty: tierFor(2000, tiers),
      now,
    });
    expect(hints.map((h) => h.productId)).toEqual(["socks"]);
    expect(hints[0]!.message).toBe("30% of people who bought shirt also bought the socks");
  });

  it("says overdue and today, and keeps one hint per product", () => {
    const due: ReplenishmentDue[] = [
      { productId: "tie", dueAt: new Date(now.getTime() - 5 * DAY), meanGapDays: 30 },
      { productId: "beans", dueAt: now, meanGapDays: 1 },
    ];
    const hints = checkoutHints({
      cartProductIds: ["shirt"],
      rules: [rule("shirt", "tie", 0.42, 3.14)],
      replenishment: due,
      loyalty: tierFor(2000, tiers),
      productTitles: titles,
      now,
    });
    expect(hints).toEqual([
      {
        kind: "replenishment",
        productId: "beans",
        productTitle: "Coffee beans",
        message: "Coffee beans due today (bought every 1 day)",
        score: 1,
      },
      {
        kind: "replenishment",
        productId: "tie",
        productTitle: "Silk Tie",
        message: "Silk Tie overdue by 5 days (bought every 30 days)",
        score: 0.857,
      },
    ]);
  });

  it("property: at most `limit` hints, none for products in the cart, one per product, best first", () => {
    const id = fc.constantFrom("a", "b", "c", "d", "e");
    const arbRule = fc.record({
      antecedent: id,
      consequent: id,
      support: fc.double({ min: 0, max: 1, noNaN: true }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      lift: fc.double({ min: 0, max: 10, noNaN: true }),
    });
    const arbDue = fc.record({
      productId: id,
      dueAt: fc.integer({ min: -60, max: 14 }).map((d) => new Date(now.getTime() + d * DAY)),
      meanGapDays: fc.double({ min: 0.5, max: 90, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(id),
        fc.array(arbRule),
        fc.array(arbDue),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 6 }),
        (cart, rs, due, points, limit) => {
          const hints = checkoutHints({
            cartProductIds: cart,
            rules: rs,
            replenishment: due,
            loyalty: tierFor(points, tiers),
            now,
            limit,
          });
          expect(hints.length).toBeLessThanOrEqual(limit);
          const ids = hints.flatMap((h) => (h.productId ? [h.productId] : []));
          expect(new Set(ids).size).toBe(ids.length);
          for (const pid of ids) expect(cart).not.toContain(pid);
          for (const h of hints) {
            expect(h.message).not.toContain("\n");
            expect(h.score).toBeGreaterThanOrEqual(0);
            expect(h.score).toBeLessThanOrEqual(1);
          }
          for (let i = 1; i < hints.length; i++) expect(hints[i - 1]!.score).toBeGreaterThanOrEqual(hints[i]!.score);
        },
      ),
    );
  });
});

describe("checkoutHints with products viewed online", () => {
  const base = {
    rules: [],
    replenishment: [],
    loyalty: { tier: "Gold", nextTier: null, pointsToNextTier: null, progress: 1 },
    now: new Date("2026-11-25T12:00:00Z"),
  };
  it("suggests what was viewed and not bought, latest first, never what is in the cart", () => {
    const hints = checkoutHints({
      ...base,
      cartProductIds: ["2"],
      viewedProductIds: ["1", "2", "3"],
      productTitles: { "1": "Linen Shirt", "3": "Silk Tie" },
    });
    expect(hints.map((h) => [h.kind, h.productId, h.score])).toEqual([
      ["viewed", "1", 0.3],
      ["viewed", "3", 0.2],
    ]);
    expect(hints[0]!.message).toBe("Looked at the Linen Shirt online recently and has not bought it");
  });
});
