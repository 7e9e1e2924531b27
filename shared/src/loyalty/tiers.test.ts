import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultShopSettings } from "../settings";
import { loyaltyNudge, tierFor } from "./tiers";

const tiers = defaultShopSettings().loyalty.tiers; // Bronze 0, Silver 500, Gold 1500

describe("tierFor", () => {
  it("places points among the default tiers", () => {
    expect(tierFor(0, tiers)).toEqual({ tier: "Bronze", nextTier: "Silver", pointsToNextTier: 500, progress: 0 });
    expect(tierFor(499, tiers)).toMatchObject({ tier: "Bronze", pointsToNextTier: 1 });
    expect(tierFor(500, tiers)).toEqual({ tier: "Silver", nextTier: "Gold", pointsToNextTier: 1000, progress: 0 });
    expect(tierFor(1380, tiers)).toEqual({ tier: "Silver", nextTier: "Gold", pointsToNextTier: 120, progress: 0.88 });
    expect(tierFor(1500, tiers)).toEqual({ tier: "Gold", nextTier: null, pointsToNextTier: null, progress: 1 });
    expect(tierFor(99999, tiers)).toMatchObject({ tier: "Gold", progress: 1 });
  });

  it("sorts the shop's tiers by threshold", () => {
    const shuffled = [tiers[2]!, tiers[0]!, tiers[1]!];
    expect(tierFor(1380, shuffled)).toEqual(tierFor(1380, tiers));
  });

  it("puts everyone in the entry tier, even below its threshold", () => {
    const t = [
      { name: "Member", minPoints: 100 },
      { name: "VIP", minPoints: 1000 },
    ];
    expect(tierFor(40, t)).toEqual({ tier: "Member", nextTier: "VIP", pointsToNextTier: 960, progress: 0.04 });
    expect(tierFor(5, [{ name: "Only", minPoints: 0 }])).toEqual({
      tier: "Only",
      nextTier: null,
      pointsToNextTier: null,
      progress: 1,
    });
    expect(tierFor(5, [])).toEqual({ tier: "", nextTier: null, pointsToNextTier: null, progress: 1 });
  });

  it("rounds fractional points up to what is still needed", () => {
    expect(tierFor(499.5, tiers).pointsToNextTier).toBe(1);
  });

  it("property: progress in 0–1, points to next tier positive and consistent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (points) => {
        const s = tierFor(points, tiers);
        expect(s.progress).toBeGreaterThanOrEqual(0);
        expect(s.progress).toBeLessThanOrEqual(1);
        if (s.nextTier === null) expect(s.pointsToNextTier).toBeNull();
        else {
          const next = tiers.find((t) => t.name === s.nextTier)!;
          expect(s.pointsToNextTier).toBe(next.minPoints - points);
          expect(tierFor(points + s.pointsToNextTier!, tiers).tier).toBe(s.nextTier);
        }
      }),
    );
  });
});

describe("loyaltyNudge", () => {
  it("says what is left to the next tier", () => {
    expect(loyaltyNudge(tierFor(1380, tiers))).toBe("120 points to Gold");
    expect(loyaltyNudge(tierFor(499, tiers))).toBe("1 point to Silver");
    expect(loyaltyNudge(tierFor(2000, tiers))).toBeNull();
  });
});
