import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { coPurchaseOptionsFor, coPurchaseRules } from "./co-purchase";

// 10 orders: shirt in 5, tie in 3 (all with shirt), socks in 4 (2 with shirt)
const orders = [
  { productIds: ["shirt", "tie"] },
  { productIds: ["shirt", "tie", "tie"] },
  { productIds: ["shirt", "tie", "socks"] },
  { productIds: ["shirt", "socks"] },
  { productIds: ["shirt"] },
  { productIds: ["socks"] },
  { productIds: ["socks"] },
  { productIds: ["hat"] },
  { productIds: ["hat"] },
  { productIds: [] },
];

describe("coPurchaseRules", () => {
  it("computes support, confidence and lift by hand", () => {
    const rules = coPurchaseRules(orders, { minSupport: 0, minConfidence: 0 });
    const find = (a: string, c: string) => rules.find((r) => r.antecedent === a && r.consequent === c);
    // shirt→tie: both 3/10; confidence 3/5; tie bought in 3/10 → lift 0.6/0.3 = 2
    expect(find("shirt", "tie")).toEqual({
      antecedent: "shirt",
      consequent: "tie",
      support: 0.3,
      confidence: 0.6,
      lift: 2,
    });
    // tie→shirt: confidence 3/3; shirt in 5/10 → lift 2
    expect(find("tie", "shirt")).toEqual({
      antecedent: "tie",
      consequent: "shirt",
      support: 0.3,
      confidence: 1,
      lift: 2,
    });
    // shirt→socks: 2/10, 2/5, socks in 4/10 → lift 1
    expect(find("shirt", "socks")).toMatchObject({ support: 0.2, confidence: 0.4, lift: 1 });
    expect(find("hat", "shirt")).toBeUndefined();
    expect(rules).toHaveLength(6);
  });

  it("sorts strongest first and applies the thresholds and the cap", () => {
    const rules = coPurchaseRules(orders, { minSupport: 0.25, minConfidence: 0.5, maxRules: 5 });
    expect(rules.map((r) => `${r.antecedent}→${r.consequent}`)).toEqual(["tie→shirt", "shirt→tie"]);
    expect(coPurchaseRules(orders, { minSupport: 0, minConfidence: 0, maxRules: 1 })).toHaveLength(1);
    expect(coPurchaseRules([], { minSupport: 0, minConfidence: 0 })).toEqual([]);
  });

  it("property: measures stay in range and respect the thresholds", () => {
    const order = fc.record({ productIds: fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 6 }) });
    fc.assert(
      fc.property(
        fc.array(order, { maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (os, minSupport, minConfidence) => {
          const rules = coPurchaseRules(os, { minSupport, minConfidence });
          for (const r of rules) {
            expect(r.antecedent).not.toBe(r.consequent);
            expect(r.support).toBeGreaterThanOrEqual(minSupport);
            expect(r.support).toBeLessThanOrEqual(1);
            expect(r.confidence).toBeGreaterThanOrEqual(Math.max(minConfidence, r.support));
            expect(r.confidence).toBeLessThanOrEqual(1);
            expect(r.lift).toBeGreaterThan(0);
          }
          for (let i = 1; i < rules.length; i++) expect(rules[i - 1]!.lift).toBeGreaterThanOrEqual(rules[i]!.lift);
        },
      ),
    );
  });

  it("property: support is symmetric (a→b and b→a share it)", () => {
    const order = fc.record({ productIds: fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 30 }), (os) => {
        const rules = coPurchaseRules(os, { minSupport: 0, minConfidence: 0 });
        for (const r of rules) {
          const back = rules.find((x) => x.antecedent === r.consequent && x.consequent === r.antecedent);
          expect(back?.support).toBe(r.support);
        }
      }),
    );
  });
});

describe("coPurchaseOptionsFor", () => {
  it("asks for two orders behind a pair, and one in ten buyers", () => {
    expect(coPurchaseOptionsFor(100)).toEqual({ minSupport: 0.02, minConfidence: 0.1, maxRules: 2000 });
    expect(coPurchaseOptionsFor(1_000_000).minSupport).toBe(0.001);
    const once = [{ productIds: ["a", "b"] }, { productIds: ["c"] }, { productIds: ["d"] }, { productIds: ["e"] }];
    expect(coPurchaseRules(once, coPurchaseOptionsFor(4))).toEqual([]);
    const twice = [
      { productIds: ["a", "b"] },
      { productIds: ["a", "b"] },
      { productIds: ["d"] },
      { productIds: ["e"] },
    ];
    expect(
      coPurchaseRules(twice, coPurchaseOptionsFor(4))
        .map((r) => r.antecedent)
        .sort(),
    ).toEqual(["a", "b"]);
  });
});
